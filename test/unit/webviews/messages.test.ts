import { describe, expect, it } from 'vitest';
import { DiffHostMessage, ProfileHostMessage, WebviewMessage } from '../../../webviews/shared/messages.js';
import { nextViewState } from '../../../webviews/shared/viewState.js';
import { datasetDiff, datasetVersion, folderDiff, profile, tabularDiff } from '../../fixtures/datasets/views.js';

describe('webview messages', () => {
  it('accepts the ready handshake of a known app and refuses an unknown one', () => {
    expect(WebviewMessage.safeParse({ type: 'ready', app: 'dataset-profile' }).success).toBe(true);
    expect(WebviewMessage.safeParse({ type: 'ready', app: 'pipeline-canvas' }).success).toBe(false);
    expect(WebviewMessage.safeParse({ type: 'ready', app: 'dataset-diff', extra: 1 }).success).toBe(false);
    expect(WebviewMessage.safeParse({ type: 'fetch', url: 'http://x' }).success).toBe(false);
  });

  it('carries a profile state, and a tabular or folder diff state', () => {
    expect(ProfileHostMessage.parse({ type: 'state', state: { version: datasetVersion(), profile: profile() } }).type).toBe('state');
    expect(ProfileHostMessage.parse({ type: 'state', state: { version: datasetVersion({ format: 'png', profiled: false }), profile: null } }).type).toBe('state');
    const file = { before: { md5: 'a'.repeat(32), size: 3, format: 'png' as const }, after: { md5: 'b'.repeat(32), size: 4, format: 'png' as const }, same: false };
    for (const diff of [datasetDiff({ kind: 'tabular', diff: tabularDiff() }), datasetDiff({ kind: 'folder', diff: folderDiff() }), datasetDiff({ kind: 'file', diff: file })]) {
      const state = { before: datasetVersion(), after: datasetVersion({ ref: 'iris@v2' }), diff };
      expect(DiffHostMessage.safeParse({ type: 'state', state }).success).toBe(true);
    }
  });

  it('turns each valid host message into the view state it stands for', () => {
    expect(nextViewState(ProfileHostMessage, { type: 'loading', title: 'Profiling iris@v1…' })).toEqual({ status: 'loading', title: 'Profiling iris@v1…' });
    expect(nextViewState(ProfileHostMessage, { type: 'error', title: 'Cannot profile', message: 'HTTP 404' })).toEqual({
      status: 'error',
      title: 'Cannot profile',
      message: 'HTTP 404',
    });
    const state = { version: datasetVersion(), profile: profile() };
    expect(nextViewState(ProfileHostMessage, { type: 'state', state })).toEqual({ status: 'ready', state });
  });

  it('shows a message that breaks the contract as an error naming the field, never as a half-drawn view', () => {
    const bad = { type: 'state', state: { version: datasetVersion(), profile: { ...profile(), rowCount: -1 } } };
    const view = nextViewState(ProfileHostMessage, bad);
    expect(view.status).toBe('error');
    expect(view.status === 'error' && view.message).toMatch(/^state\.profile\.rowCount: /);
    // a diff message sent to the profile view (a mismatched host) is refused too
    const diff = { type: 'state', state: { before: datasetVersion(), after: datasetVersion(), diff: datasetDiff({ kind: 'folder', diff: folderDiff() }) } };
    expect(nextViewState(ProfileHostMessage, diff).status).toBe('error');
    expect(nextViewState(DiffHostMessage, diff).status).toBe('ready');
  });
});
