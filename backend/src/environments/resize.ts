import { HttpError } from '../api/errors.js';
import type { Environment, EnvironmentState, ResizeBody } from '../protocol/index.js';
import type { StoredSpec } from '../store/environments.js';

/** States whose resources may change: nothing holds them now, the next start uses the new ones. */
const RESIZABLE: readonly EnvironmentState[] = ['queued', 'stopped', 'failed'];

/** Refuses a resize while the environment holds (or is taking) its share of the host, naming its state. */
export function assertResizable(env: Environment): void {
  if (RESIZABLE.includes(env.state)) return;
  throw new HttpError('conflict', `the environment is ${env.state}; stop it to change its resources (they apply on its next start)`);
}

/**
 * The stored spec with the new resources. The spec is rebuilt from the environment as stored (every
 * field of it is kept there), with the request's figures in it too, so spec and resources agree.
 */
export function resizedSpec(env: Environment, body: ResizeBody): StoredSpec {
  const resources = {
    cpus: body.cpus ?? env.resources.cpus,
    memoryMiB: body.memoryMiB ?? env.resources.memoryMiB,
    gpus: body.gpus ?? env.resources.gpus,
  };
  return {
    spec: {
      name: env.name,
      image: env.image,
      packages: env.packages,
      env: env.env,
      idleTimeoutMinutes: env.idleTimeoutMinutes,
      priority: env.priority,
      ...resources,
    },
    resources,
  };
}
