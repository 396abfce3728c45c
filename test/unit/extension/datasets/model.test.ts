import { describe, expect, it } from 'vitest';
import type { DatasetVersion } from '../../../../backend/src/protocol/index.js';
import { DatasetsModel } from '../../../../extension/src/datasets/model.js';
import { deferred, fakeApi, FakeLink, flush, linkedBackend } from '../../../fixtures/extension/environments.js';
import { dataset, datasetVersion } from '../../../fixtures/datasets/views.js';

const v1 = datasetVersion({ ref: 'iris@v1' });
const v2 = datasetVersion({ ref: 'iris@v2' });
const iris = dataset({ latest: v1 });

function versionEvent(kind: 'created' | 'deleted', v: DatasetVersion) {
  return { kind: `resource.${kind}` as const, resource: 'dataset-version', resourceId: v.id, data: v };
}

describe('datasets model', () => {
  it('follows the datasets topic, lists datasets with their versions, then applies events', async () => {
    const api = fakeApi({ listDatasets: () => ({ datasets: [iris] }), listVersions: () => ({ versions: [v1] }) });
    const backend = linkedBackend(api);
    const model = new DatasetsModel(new FakeLink(backend));
    expect(backend.events.subscribed.has('datasets')).toBe(true);
    await flush();
    expect(model.status).toEqual({ status: 'ready' });
    expect(model.items.map((i) => [i.dataset.name, i.versions.map((v) => v.ref)])).toEqual([['iris', ['iris@v1']]]);

    backend.events.emit('datasets', versionEvent('created', v2));
    expect(model.versionsOf('iris').map((v) => v.ref)).toEqual(['iris@v2', 'iris@v1']);
    expect(model.version(v2.id)?.ref).toBe('iris@v2');
    backend.events.emit('datasets', { kind: 'resource.deleted', resource: 'dataset-version', resourceId: v1.id });
    expect(model.versionsOf('iris').map((v) => v.ref)).toEqual(['iris@v2']);
    // a malformed payload is dropped, not shown
    backend.events.emit('datasets', { kind: 'resource.created', resource: 'dataset-version', resourceId: 'x', data: { ref: 'bad' } });
    expect(model.versionsOf('iris')).toHaveLength(1);
    backend.events.emit('datasets', { kind: 'resource.deleted', resource: 'dataset', resourceId: iris.id });
    expect(model.items).toEqual([]);
    model.dispose();
    expect(backend.events.subscribed.has('datasets')).toBe(false);
  });

  it('applies events that come while the list is on its way over the list', async () => {
    const list = deferred<{ datasets: (typeof iris)[] }>();
    const api = fakeApi({ listDatasets: () => list.promise, listVersions: () => ({ versions: [v1] }) });
    const backend = linkedBackend(api);
    const model = new DatasetsModel(new FakeLink(backend));
    backend.events.emit('datasets', versionEvent('created', v2));
    list.resolve({ datasets: [iris] });
    await flush();
    await flush();
    expect(model.versionsOf('iris').map((v) => v.ref)).toEqual(['iris@v2', 'iris@v1']);
  });

  it('lists again after a reset, and is offline without a backend', async () => {
    let versions = [v1];
    const api = fakeApi({ listDatasets: () => ({ datasets: [iris] }), listVersions: () => ({ versions }) });
    const backend = linkedBackend(api);
    const link = new FakeLink(backend);
    const model = new DatasetsModel(link);
    await flush();
    versions = [v2, v1];
    backend.events.reset();
    await flush();
    await flush();
    expect(model.versionsOf('iris')).toHaveLength(2);
    link.set(undefined);
    expect(model.status).toEqual({ status: 'offline' });
    expect(model.items).toEqual([]);
  });

  it('says why it cannot list', async () => {
    const model = new DatasetsModel(new FakeLink(linkedBackend(fakeApi({}))));
    await flush();
    expect(model.status).toEqual({ status: 'failed', message: 'route listDatasets not found' });
  });
});
