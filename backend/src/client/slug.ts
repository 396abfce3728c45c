/**
 * A name safe for a path segment and for the protocol's name rules, made from what a user called
 * something (`Iris Data` → `iris-data`): lowercase, every run of other characters one '-', no
 * leading punctuation, no trailing '.' or '-', at most 64 characters. May come out empty.
 */
export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 64)
    .replace(/[.-]+$/, '');
}
