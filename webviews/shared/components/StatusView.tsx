import { VscodeButton, VscodeProgressRing } from '../elements.js';
import type { ViewState } from '../viewState.js';

/** What a view shows until its state came: a spinner while loading, or the error with a retry. */
export function StatusView({ view, onReload }: { view: Exclude<ViewState<unknown>, { status: 'ready' }>; onReload: () => void }) {
  if (view.status === 'error') {
    return (
      <section className="status error" role="alert">
        <h2>{view.title}</h2>
        <p className="message">{view.message}</p>
        <VscodeButton onClick={onReload}>Try Again</VscodeButton>
      </section>
    );
  }
  return (
    <section className="status loading" aria-busy="true">
      <VscodeProgressRing />
      <p>{view.status === 'loading' ? view.title : 'Waiting for the extension…'}</p>
    </section>
  );
}
