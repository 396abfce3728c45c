import type { FastifyInstance } from 'fastify';
import { routes } from '../../protocol/index.js';
import type { AppDeps } from '../deps.js';
import { register } from '../register.js';

/** Datasets and versions (JSON routes); raw bytes go through `dataset-bytes.ts`. */
export function datasetRoutes(app: FastifyInstance, { datasets }: AppDeps): void {
  if (!datasets) return;

  register(app, routes.listDatasets, ({ auth }) => ({ datasets: datasets.list(auth.user) }));
  register(app, routes.getDataset, ({ auth, params }) => datasets.get(auth.user, params.name));
  register(app, routes.listVersions, ({ auth, params, query }) => ({ versions: datasets.versions(auth.user, params.name, query.limit) }));
  register(app, routes.getVersion, ({ auth, params }) => datasets.version(auth.user, params.name, params.number));
  register(app, routes.diffVersions, ({ auth, params, query }) => datasets.diff(auth.user, { name: params.name, from: query.from, to: query.to, key: query.key }));

  register(app, routes.restoreVersion, async ({ auth, params, body, raw }) => {
    const version = await datasets.restore(auth.user, params.name, params.number, body.message);
    raw.auditTarget = version.id;
    return version;
  });
  register(app, routes.deleteVersion, async ({ auth, params, raw }) => {
    const version = await datasets.remove(auth.user, params.name, params.number);
    raw.auditTarget = version.id;
    return version;
  });

  register(app, routes.createUpload, ({ auth, body }) => datasets.uploads.create(auth.user.id, body));
  register(app, routes.getUpload, ({ auth, params }) => datasets.uploads.get(auth.user.id, params.id));
  register(app, routes.cancelUpload, ({ auth, params }) => datasets.uploads.cancel(auth.user.id, params.id));
  register(app, routes.completeUpload, async ({ auth, params, body, raw }) => {
    const version = await datasets.complete(auth.user, params.id, body);
    raw.auditTarget = version.id;
    return version;
  });

  register(app, routes.gcDatasets, () => datasets.gc());
  register(app, routes.verifyDatasets, ({ auth }) => datasets.verify(auth.user));
}
