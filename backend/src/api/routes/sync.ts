import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { routes } from '../../protocol/index.js';
import type { AppDeps } from '../deps.js';
import { register } from '../register.js';

/** A plan or apply lists up to 50 000 files: far above the default JSON limit, still bounded. */
const MANIFEST_BODY_LIMIT = 32 * 1024 * 1024;

function declaredLength(req: FastifyRequest): number | undefined {
  const header = req.headers['content-length'];
  return header === undefined ? undefined : Number(header);
}

/**
 * Workspace sync routes. Plan and apply are JSON routes with a larger body limit; the blob upload
 * takes its body as a raw stream (never buffered), so its scope parses nothing but
 * `application/octet-stream` and passes that stream on.
 */
export async function syncRoutes(app: FastifyInstance, { sync }: AppDeps): Promise<void> {
  if (!sync) return;

  await app.register(async (scope) => {
    scope.addHook('onRoute', (options) => {
      options.bodyLimit = MANIFEST_BODY_LIMIT;
    });
    register(scope, routes.syncPlan, ({ auth, params, body }) => sync.plan(auth.user, params.id, body.files));
    register(scope, routes.syncApply, ({ auth, params, body, raw }) => {
      raw.auditTarget = params.id;
      return sync.apply(auth.user, params.id, body);
    });
  });

  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/octet-stream', (_req, payload, done) => done(null, payload));
    register(scope, routes.uploadSyncBlob, ({ auth, params, raw }) => sync.putBlob(auth.user, params.hash, raw.body as Readable | undefined, declaredLength(raw)));
  });
}
