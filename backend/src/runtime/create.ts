import type { ConcreteDriver } from './detect.js';
import type { RuntimeDriver } from './driver.js';

export interface DriverOptions {
  dataDir: string;
  /** GPUs the Docker engine can hand out (the engine API cannot tell). */
  gpus: number;
}

/** The driver for a resolved kind; each implementation is loaded only when chosen. */
export async function createDriver(kind: ConcreteDriver, options: DriverOptions): Promise<RuntimeDriver | undefined> {
  switch (kind) {
    case 'docker': {
      const [{ default: Docker }, { DockerDriver }] = await Promise.all([import('dockerode'), import('./docker/driver.js')]);
      return new DockerDriver(new Docker(), options.gpus);
    }
    default:
      return undefined;
  }
}
