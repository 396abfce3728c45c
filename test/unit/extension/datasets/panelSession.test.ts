import { describe, expect, it } from 'vitest';
import { PanelSession, type PanelContent } from '../../../../extension/src/datasets/panelSession.js';
import { deferred } from '../../../fixtures/extension/environments.js';
import { datasetVersion, profile } from '../../../fixtures/datasets/views.js';

function session(load: PanelContent<'dataset-profile'>['load']) {
  const posted: unknown[] = [];
  const logged: string[] = [];
  const content: PanelContent<'dataset-profile'> = { app: 'dataset-profile', loadingTitle: 'Loading iris@v1…', errorTitle: 'Cannot show iris@v1', load };
  return { s: new PanelSession(content, (m) => posted.push(m), (l) => logged.push(l)), posted, logged };
}

describe('webview panel session (host side)', () => {
  const state = { version: datasetVersion(), profile: profile() };

  it('sends nothing before ready, then loading and the state', async () => {
    const { s, posted } = session(async () => state);
    expect(posted).toEqual([]);
    await s.receive({ type: 'ready', app: 'dataset-profile' });
    expect(posted).toEqual([{ type: 'loading', title: 'Loading iris@v1…' }, { type: 'state', state }]);
  });

  it('shows a failed load as an error in the view, and loads again on reload', async () => {
    let fail = true;
    const { s, posted } = session(async () => {
      if (fail) throw new Error('HTTP 404 version not found');
      return state;
    });
    await s.receive({ type: 'ready', app: 'dataset-profile' });
    expect(posted.at(-1)).toEqual({ type: 'error', title: 'Cannot show iris@v1', message: 'HTTP 404 version not found' });
    fail = false;
    await s.receive({ type: 'reload' });
    expect(posted.at(-1)).toEqual({ type: 'state', state });
  });

  it('ignores (and logs) a message outside the contract, and tells a view of another app that it is out of date', async () => {
    const { s, posted, logged } = session(async () => state);
    await s.receive({ type: 'fetch', url: 'https://example.org' });
    expect(posted).toEqual([]);
    expect(logged[0]).toMatch(/outside the contract/);
    await s.receive({ type: 'ready', app: 'dataset-diff' });
    expect(posted).toEqual([{ type: 'error', title: 'This view is out of date', message: 'expected the dataset-profile view, got dataset-diff: reopen it' }]);
  });

  it('never posts a state that breaks the contract: the view shows the error naming the field instead', async () => {
    const { s, posted } = session(async () => ({ ...state, profile: { ...profile(), rowCount: -1 } }));
    await s.receive({ type: 'ready', app: 'dataset-profile' });
    expect(posted).toHaveLength(2);
    expect(posted[1]).toMatchObject({ type: 'error', message: expect.stringMatching(/outside the contract: state\.profile\.rowCount: /) });
  });

  it('drops the answer of a load that a newer one overtook', async () => {
    const first = deferred<typeof state>();
    let calls = 0;
    const { s, posted } = session(() => (++calls === 1 ? first.promise : Promise.resolve({ ...state, profile: null })));
    const pending = s.receive({ type: 'ready', app: 'dataset-profile' });
    await s.receive({ type: 'reload' });
    first.resolve(state);
    await pending;
    const states = posted.filter((m) => (m as { type: string }).type === 'state');
    expect(states).toEqual([{ type: 'state', state: { ...state, profile: null } }]);
  });
});
