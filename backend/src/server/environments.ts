import type Docker from 'dockerode';
import type { ImageCatalog } from '../environments/catalog.js';
import { DriverImageCatalog } from '../environments/image-catalog.js';
import { findImagesDir } from '../environments/images-dir.js';
import { EnvironmentService } from '../environments/service.js';
import type { EventBus } from '../events/bus.js';
import { ImageBuilder } from '../images/build-runner.js';
import { backendId } from './backend-id.js';
import { createDriver } from '../runtime/create.js';
import type { ConcreteDriver } from '../runtime/detect.js';
import { probeJupyterStatus } from '../runtime/jupyter-status.js';
import type { Store } from '../store/index.js';
import type { ServerConfig } from './config.js';

export interface Environments {
  service: EnvironmentService;
  catalog: ImageCatalog;
  builder: ImageBuilder;
  close(): void;
}

type Config = Pick<ServerConfig, 'dataDir' | 'imagesDir' | 'kubernetesConfig'> & { capacity: { cpus?: number; memoryMiB?: number; gpus?: number }; idleCheckSeconds: number };
type Log = { info(m: string): void; warn(m: string): void; error(m: string): void };

export const jupyterBasePath = (envId: string): string => `/api/v1/environments/${envId}/jupyter/`;

/**
 * Builds the environment service on the resolved driver, adopts what still runs from an earlier
 * start (reconciliation) and begins the idle checks. Undefined when the driver is not available.
 */
export async function startEnvironments(config: Config, kind: ConcreteDriver, store: Store, bus: EventBus, log: Log): Promise<Environments | undefined> {
  const id = backendId(config.dataDir);
  const driver = await createDriver(kind, { dataDir: config.dataDir, backendId: id, gpus: config.capacity.gpus ?? 0, kubernetesConfig: config.kubernetesConfig, log: (m) => log.info(m) });
  const imagesDir = config.imagesDir ?? findImagesDir();
  if (!driver || !imagesDir) {
    log.warn(!driver ? `the ${kind} driver is not available in this build: environments are disabled` : 'no image catalog (devcontainer-images/) found: environments are disabled');
    return undefined;
  }
  const docker = kind === 'docker' ? ((driver as unknown as { docker: Docker }).docker) : undefined;
  const catalog = new DriverImageCatalog(imagesDir, kind, docker);
  const service = new EnvironmentService(store, bus, driver, catalog, { capacity: config.capacity, jupyterBasePath, log, backendId: id });
  await service.reconcile();
  const timer = setInterval(() => {
    void service
      .stopIdle(async (record) => {
        const endpoint = await driver.endpoint(record.env.id);
        return endpoint ? probeJupyterStatus(endpoint.origin, jupyterBasePath(record.env.id), endpoint.token) : undefined;
      })
      .catch((err: Error) => log.warn(`idle check failed: ${err.message}`));
  }, config.idleCheckSeconds * 1000);
  timer.unref();
  return {
    service,
    catalog,
    builder: new ImageBuilder(imagesDir, bus),
    close: () => {
      clearInterval(timer);
      service.close();
      void driver.close?.();
    },
  };
}
