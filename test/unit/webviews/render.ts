import { createElement, type FunctionComponent } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';

/** Static markup of a component, as react-dom/server renders it (web components stay as their tags and light-DOM children). */
export function render<P extends object>(component: FunctionComponent<P>, props: P): string {
  return renderToStaticMarkup(createElement(component, props));
}

/** The visible text of markup: tags dropped, entities for quotes decoded, white space collapsed. */
export function text(markup: string): string {
  return markup
    .replace(/<title>[^<]*<\/title>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** How many times `pattern` occurs in `markup`. */
export function count(markup: string, pattern: RegExp): number {
  return markup.match(new RegExp(pattern.source, 'g'))?.length ?? 0;
}
