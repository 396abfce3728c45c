import type { FastifyInstance } from 'fastify';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { buildApp } from '../api/app.js';
import type { ServerInfo } from '../api/deps.js';
import { bootstrapAdmin, type BootstrapResult } from '../auth/bootstrap.js';
import { DatasetService } from '../data/service/service.js';
import { EventBus } from '../events/bus.js';
import { resolveDriver } from '../runtime/detect.js';
import { startEnvironments, type Environments } from './environments.js';
import { startJobs } from './jobs.js';
import { Store } from '../store/index.js';
import { startSync } from '../sync/service.js';
import { VERSION } from '../version.js';
import { isLoopback, ServerConfig } from './config.js';
import { trackConnections } from './connections.js';
import { acquireLock } from './lock.js';
import { loadKeyPair, selfSignedKeyPair, type KeyPair } from './tls.js';

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  info: ServerInfo;
  bootstrap: BootstrapResult;
  keyPair?: KeyPair;
  warnings: string[];
  /** Stops accepting, lets in-flight requests finish, closes sockets and the store. Idempotent. */
  close(): Promise<void>;
}

function urlOf(app: FastifyInstance, host: string, tls: boolean): string {
  const { port } = app.server.address() as AddressInfo;
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `${tls ? 'https' : 'http'}://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
}

/** Opens the store, makes sure an admin exists, builds the app and listens. */
export async function startServer(input: ServerConfig): Promise<RunningServer> {
  const config = ServerConfig.parse(input);
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const warnings: string[] = [];
  const keyPair =
    config.tls?.mode === 'files'
      ? loadKeyPair(config.tls.certFile, config.tls.keyFile)
      : config.tls?.mode === 'self-signed'
        ? await selfSignedKeyPair(config.dataDir, config.host)
        : undefined;
  if (!keyPair && !isLoopback(config.host)) {
    warnings.push(`listening on ${config.host} without TLS: tokens travel in clear text; use --tls-self-signed or --tls-cert/--tls-key`);
  }

  const lock = acquireLock(config.dataDir, VERSION);
  let store: Store | undefined;
  let app: FastifyInstance | undefined;
  let environments: Environments | undefined;
  let datasets: DatasetService | undefined;
  /** The services' timers (idle checks, upload sweeps) stop with the server. */
  const stopServices = (): void => {
    environments?.close();
    datasets?.close();
  };
  try {
    store = Store.open(config.dataDir);
    const bootstrap = bootstrapAdmin(store, config.dataDir, config.adminToken);
    const info: ServerInfo = {
      version: VERSION,
      driver: await resolveDriver(config.driver),
      tls: keyPair !== undefined,
      startedAt: new Date().toISOString(),
    };
    const bus = new EventBus();
    const log = console;
    datasets = await DatasetService.open(config.dataDir, store, bus, { warn: (m) => log.error(`warning: ${m}`) });
    environments = await startEnvironments(config, info.driver, store, bus, {
      info: (m) => config.logLevel !== 'silent' && log.error(`info: ${m}`),
      warn: (m) => log.error(`warning: ${m}`),
      error: (m) => log.error(`error: ${m}`),
    });
    const jobs = await startJobs(config.dataDir, store, bus, environments, { info: () => undefined, warn: (m) => log.error(`warning: ${m}`) });
    app = await buildApp(
      {
        store,
        bus,
        info,
        datasets,
        ...(environments
          ? {
              environments: { service: environments.service, catalog: environments.catalog, builder: environments.builder },
              sync: await startSync(join(config.dataDir, 'sync'), environments.service, store),
            }
          : {}),
        jobs,
      },
      {
        logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
        heartbeatMs: config.heartbeatMs,
        allowedOrigins: config.allowedOrigins,
        ...(config.bodyLimit ? { bodyLimit: config.bodyLimit } : {}),
        ...(keyPair ? { https: { key: keyPair.key, cert: keyPair.cert } } : {}),
      },
    );
    const connections = trackConnections(app);
    await app.listen({ host: config.host, port: config.port });
    const url = urlOf(app, config.host, keyPair !== undefined);
    lock.publish(url);
    const running = app;
    const openStore = store;
    let closing: Promise<void> | undefined;
    return {
      app,
      url,
      info,
      bootstrap,
      keyPair,
      warnings,
      close: () =>
        (closing ??= (async () => {
          stopServices();
          const closed = running.close();
          connections.drain(config.shutdownGraceMs);
          await closed;
          openStore.close();
          lock.release();
        })()),
    };
  } catch (err) {
    stopServices();
    await app?.close();
    store?.close();
    lock.release();
    throw err;
  }
}
