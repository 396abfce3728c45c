import { useEffect, useState } from 'react';
import type { WebviewApp, WebviewMessage } from './messages.js';
import { nextViewState, type ViewState } from './viewState.js';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
}

/** Given by the webview host; callable once per page. */
declare function acquireVsCodeApi(): VsCodeApi;

let api: VsCodeApi | undefined;

/** The channel to the extension host (acquired once, as VS Code requires). */
export function host(): VsCodeApi {
  api ??= acquireVsCodeApi();
  return api;
}

/**
 * Listens to the host, then posts `ready` (so nothing the host sends can come before the listener),
 * and returns the view state each validated message leads to.
 */
export function useHostState<S>(app: WebviewApp, schema: Parameters<typeof nextViewState<S>>[0]): ViewState<S> {
  const [state, setState] = useState<ViewState<S>>({ status: 'waiting' });
  useEffect(() => {
    const onMessage = (event: MessageEvent<unknown>): void => setState(nextViewState<S>(schema, event.data));
    window.addEventListener('message', onMessage);
    host().postMessage({ type: 'ready', app });
    return () => window.removeEventListener('message', onMessage);
  }, [app, schema]);
  return state;
}
