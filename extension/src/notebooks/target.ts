import type { ClientOptions } from '../../../backend/src/client/index.js';
import type { Environment } from '../../../backend/src/protocol/index.js';
import { jupyterUrl } from '../environments/jupyter.js';
import type { EnvironmentTarget } from './environmentKernels.js';

/** An environment's Jupyter server as the notebooks reach it: through the backend's proxy, with the backend's token and CA. */
export function notebookTarget(client: ClientOptions, env: Pick<Environment, 'id' | 'name'>, environmentRunning: () => Promise<boolean>): EnvironmentTarget {
  return {
    target: { baseUrl: jupyterUrl(client.url, env.id), authorization: `Bearer ${client.token ?? ''}`, ca: client.ca },
    envName: env.name,
    environmentRunning,
  };
}
