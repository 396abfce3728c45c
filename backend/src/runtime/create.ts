import { join } from 'node:path';
import type { ConcreteDriver } from './detect.js';
import type { RuntimeDriver } from './driver.js';

export interface DriverOptions {
  dataDir: string;
  /** GPUs the Docker engine can hand out (the engine API cannot tell). */
  gpus: number;
  /** This backend's stable identity (see server/backend-id.ts). */
  backendId: string;
  log?: (message: string) => void;
  /** JSON file of node selectors, tolerations and storage for the Kubernetes driver. */
  kubernetesConfig?: string;
}

/** The driver for a resolved kind; each implementation is loaded only when chosen. */
export async function createDriver(kind: ConcreteDriver, options: DriverOptions): Promise<RuntimeDriver | undefined> {
  switch (kind) {
    case 'docker': {
      const [{ default: Docker }, { DockerDriver }] = await Promise.all([import('dockerode'), import('./docker/driver.js')]);
      return new DockerDriver(new Docker(), options.gpus, options.backendId);
    }
    case 'local': {
      const { LocalDriver } = await import('./local/driver.js');
      const driver = new LocalDriver(join(options.dataDir, 'local-envs'));
      options.log?.(`local driver: ${driver.limitsEnforced ? 'CPU/memory limits enforced' : 'CPU/memory limits recorded, NOT enforced'} (${driver.limitsReason})`);
      return driver;
    }
    case 'kubernetes': {
      const { KubernetesDriver } = await import('./kubernetes/driver.js');
      const { readKubernetesConfig } = await import('./kubernetes-config.js');
      return new KubernetesDriver(options.kubernetesConfig ? readKubernetesConfig(options.kubernetesConfig) : {});
    }
    default:
      return undefined;
  }
}
