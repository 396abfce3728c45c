import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../backend/src/client/index.js';
import type { Environment } from '../../../backend/src/protocol/index.js';
import { applyChange, environmentChange } from '../../../extension/src/environments/events.js';
import { EnvironmentsModel } from '../../../extension/src/environments/model.js';
import { deferred, environment, fakeApi, FakeLink, flush, later, linkedBackend } from '../../fixtures/extension/environments.js';

function setup(lists: Environment[][]) {
  const answers = [...lists];
  const pending: ReturnType<typeof deferred<{ items: Environment[] }>>[] = [];
  const api = fakeApi({
    listEnvironments: () => {
      const next = answers.shift();
      if (next) return { items: next };
      const d = deferred<{ items: Environment[] }>();
      pending.push(d);
      return d.promise;
    },
  });
  const backend = linkedBackend(api);
  const link = new FakeLink(undefined);
  const model = new EnvironmentsModel(link);
  return { api, backend, link, model, events: backend.events, pending };
}

const names = (model: EnvironmentsModel): string[] => model.items.map((e) => `${e.name}:${e.state}`);

describe('EnvironmentsModel', () => {
  it('is offline without a backend and lists the environments, by name, when one connects', async () => {
    const a = environment({ name: 'zeta', state: 'running' });
    const b = environment({ name: 'alpha' });
    const { link, model, backend } = setup([[a, b]]);
    expect(model.status).toEqual({ status: 'offline' });
    link.set(backend);
    expect(model.status).toEqual({ status: 'loading' });
    await flush();
    expect(model.status).toEqual({ status: 'ready' });
    expect(names(model)).toEqual(['alpha:stopped', 'zeta:running']);
  });

  it('applies created, changed and deleted events live', async () => {
    const a = environment({ name: 'a', state: 'queued', queuePosition: 1 });
    const { link, model, backend, events } = setup([[a]]);
    link.set(backend);
    await flush();
    let changes = 0;
    model.onDidChange(() => (changes += 1));

    const b = environment({ name: 'b', state: 'queued', queuePosition: 2 });
    events.emitEnvironment('created', b);
    events.emitEnvironment('changed', later(a, 10, { state: 'building', queuePosition: null }));
    events.emitEnvironment('changed', later(b, 10, { queuePosition: 1 }));
    expect(names(model)).toEqual(['a:building', 'b:queued']);
    expect(model.get(b.id)?.queuePosition).toBe(1);

    events.emitEnvironment('deleted', a);
    expect(names(model)).toEqual(['b:queued']);
    expect(changes).toBe(4);
  });

  it('ignores events of other topics or resources, and malformed environment data', async () => {
    const { link, model, backend, events } = setup([[]]);
    link.set(backend);
    await flush();
    events.emit('tokens', { kind: 'resource.created', resource: 'token', resourceId: 'tok_12345678', data: {} });
    events.emit('environments', { kind: 'resource.created', resource: 'environment', resourceId: 'env_12345678', data: { name: 'half' } });
    events.emitLog('env_12345678', 'a log line');
    expect(model.items).toEqual([]);
  });

  it('lists again when the stream says it could not resume (reset)', async () => {
    const a = environment({ name: 'a', state: 'running' });
    const { link, model, backend, events, api } = setup([[a], [later(a, 50, { state: 'stopped' })]]);
    link.set(backend);
    await flush();
    events.reset();
    await flush();
    expect(api.calls.filter((c) => c.name === 'listEnvironments')).toHaveLength(2);
    expect(names(model)).toEqual(['a:stopped']);
  });

  it('applies events that arrive while the list is on its way over the list, and drops stale ones', async () => {
    const a = environment({ name: 'a', state: 'queued' });
    const { link, model, backend, events, pending } = setup([]);
    link.set(backend);
    const b = environment({ name: 'b', state: 'building' });
    events.emitEnvironment('created', b);
    // An event older than the list's own copy (it was in flight when the list was read).
    events.emitEnvironment('changed', later(a, -10, { state: 'stopped' }));
    pending[0]!.resolve({ items: [a] });
    await flush();
    expect(names(model)).toEqual(['a:queued', 'b:building']);
  });

  it('forgets everything when the backend goes, and lists afresh from the next one', async () => {
    const a = environment({ name: 'a' });
    const { link, model, backend } = setup([[a], []]);
    link.set(backend);
    await flush();
    link.set(undefined);
    expect(model.status).toEqual({ status: 'offline' });
    expect(model.items).toEqual([]);
    // The old session's events no longer reach the model.
    backend.events.emitEnvironment('created', environment({ name: 'ghost' }));
    expect(model.items).toEqual([]);
    link.set(backend);
    await flush();
    expect(model.status).toEqual({ status: 'ready' });
  });

  it('says why it cannot list, with the fields the server named', async () => {
    const api = fakeApi({
      listEnvironments: () => {
        throw new ApiError(503, 'engine_error', 'the docker engine does not answer', [{ path: 'driver', message: 'down' }]);
      },
    });
    const link = new FakeLink(linkedBackend(api));
    const model = new EnvironmentsModel(link);
    await flush();
    expect(model.status).toEqual({ status: 'failed', message: 'the docker engine does not answer (driver: down)' });
  });

  it('takes a command answer at once, but never over a newer event', async () => {
    const a = environment({ name: 'a', state: 'stopped' });
    const { link, model, backend, events } = setup([[a]]);
    link.set(backend);
    await flush();
    const queued = later(a, 10, { state: 'queued' });
    const building = later(a, 20, { state: 'building' });
    events.emitEnvironment('changed', building);
    model.upsert(queued);
    expect(model.get(a.id)?.state).toBe('building');
  });

  it('lets go of the stream when disposed', async () => {
    const { link, model, backend, events } = setup([[]]);
    link.set(backend);
    await flush();
    model.dispose();
    expect(events.listenerCount()).toBe(0);
  });
});

describe('applyChange / environmentChange', () => {
  it('returns the same map when nothing changes', () => {
    const envs = new Map<string, Environment>();
    expect(applyChange(envs, { kind: 'delete', id: 'env_00000000' })).toBe(envs);
  });

  it('reads deletions from the resource id even without data', () => {
    expect(
      environmentChange({ id: 'x-1', topic: 'environments', at: '2025-01-01T00:00:00.000Z', payload: { kind: 'resource.deleted', resource: 'environment', resourceId: 'env_12345678' } }),
    ).toEqual({ kind: 'delete', id: 'env_12345678' });
  });
});
