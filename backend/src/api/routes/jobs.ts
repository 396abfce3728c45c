import type { FastifyInstance } from 'fastify';
import { routes } from '../../protocol/index.js';
import type { AppDeps } from '../deps.js';
import { register } from '../register.js';

export function jobRoutes(app: FastifyInstance, { jobs }: AppDeps): void {
  if (!jobs) return;

  register(app, routes.createJob, ({ auth, body, raw }) => {
    const job = jobs.create(auth.user, body);
    raw.auditTarget = job.id;
    return job;
  });
  register(app, routes.listJobs, ({ auth, query }) => ({ items: jobs.list(auth.user, query.envId, query.limit) }));
  register(app, routes.getJob, ({ auth, params }) => jobs.view(jobs.own(auth.user, params.id)));
  register(app, routes.jobLog, ({ auth, params, query }) => jobs.readLog(auth.user, params.id, query.from, query.limit));
  register(app, routes.cancelJob, ({ auth, params, raw }) => {
    raw.auditTarget = params.id;
    return jobs.cancel(auth.user, params.id);
  });
}
