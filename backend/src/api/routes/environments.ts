import type { FastifyInstance } from 'fastify';
import { routes } from '../../protocol/index.js';
import type { AppDeps } from '../deps.js';
import { buildTopic } from '../../images/build-runner.js';
import { HttpError } from '../errors.js';
import { register } from '../register.js';

export function environmentRoutes(app: FastifyInstance, { environments }: AppDeps): void {
  if (!environments) return;
  const { service, catalog, builder } = environments;

  register(app, routes.listImages, async () => ({ items: await catalog.list() }));

  register(app, routes.buildImage, async ({ params, raw }) => {
    const image = await catalog.get(params.name);
    if (!image) throw new HttpError('not_found', `no image "${params.name}" in the catalog`);
    raw.auditTarget = image.name;
    builder.start(image.name);
    return { name: image.name, topic: buildTopic(image.name) };
  });

  register(app, routes.capacity, async () => {
    const capacity = await service.capacity();
    const used = service.usage();
    return { ...capacity, used, queued: service.queued().length };
  });

  register(app, routes.listEnvironments, ({ auth, query }) => ({ items: service.list(auth.user, query.state, query.limit) }));

  register(app, routes.createEnvironment, async ({ auth, body, raw }) => {
    const env = await service.create(auth.user, body);
    raw.auditTarget = env.id;
    return env;
  });

  register(app, routes.getEnvironment, ({ auth, params }) => service.view(service.own(auth.user, params.id)));
  register(app, routes.startEnvironment, ({ auth, params }) => service.start(auth.user, params.id));
  register(app, routes.stopEnvironment, ({ auth, params }) => service.stop(auth.user, params.id));
  register(app, routes.restartEnvironment, ({ auth, params }) => service.restart(auth.user, params.id));
  register(app, routes.deleteEnvironment, ({ auth, params, query }) => service.delete(auth.user, params.id, query.purge ?? false));
  register(app, routes.environmentLogs, ({ auth, params, query }) => service.logs(auth.user, params.id, query.tail));
  register(app, routes.resizeEnvironment, ({ auth, params, body }) => service.resize(auth.user, params.id, body));
  register(app, routes.environmentStats, ({ auth, params }) => service.stats(auth.user, params.id));
  register(app, routes.execEnvironment, ({ auth, params, body }) => service.exec(auth.user, params.id, body.command, body.timeoutSeconds));
}
