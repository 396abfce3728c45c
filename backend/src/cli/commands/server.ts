import type { Command } from 'commander';
import { resolve } from 'node:path';
import { Driver } from '../../protocol/index.js';
import type { ServerConfig } from '../../server/config.js';
import { UsageError } from '../client.js';

interface ServerFlags {
  host: string;
  port: string;
  dataDir: string;
  driver: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsSelfSigned?: boolean;
  readyJson?: boolean;
  stopOnStdinEnd?: boolean;
  logLevel: string;
  heartbeatMs: string;
  capacityCpus?: string;
  capacityMemoryMib?: string;
  capacityGpus?: string;
  imagesDir?: string;
  kubernetesConfig?: string;
  allowOrigin: string[];
}

function tlsOf(flags: ServerFlags): ServerConfig['tls'] {
  if (flags.tlsSelfSigned && (flags.tlsCert || flags.tlsKey)) throw new UsageError('use either --tls-self-signed or --tls-cert/--tls-key, not both');
  if (flags.tlsSelfSigned) return { mode: 'self-signed' };
  if (!flags.tlsCert !== !flags.tlsKey) throw new UsageError('--tls-cert and --tls-key go together');
  return flags.tlsCert && flags.tlsKey ? { mode: 'files', certFile: flags.tlsCert, keyFile: flags.tlsKey } : undefined;
}

export function serverCommand(program: Command): void {
  program
    .command('server')
    .description('run the ML Workbench backend (HTTP + WebSocket API)')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', '8787')
    .option('--data-dir <dir>', 'where the store, blobs and tokens live', process.env.MLWB_DATA_DIR ?? '.mlwb/data')
    .option('--driver <driver>', 'environment driver: auto|local|docker|kubernetes', 'auto')
    .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM)')
    .option('--tls-key <file>', 'private key of --tls-cert (PEM)')
    .option('--tls-self-signed', 'serve HTTPS with a generated self-signed certificate')
    .option('--ready-json', 'print one JSON line {"mlwbReady":true,"url":…} once listening (for supervisors)')
    .option('--stop-on-stdin-end', 'shut down when stdin closes (a supervisor that dies cannot leave the server orphaned)')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent', 'info')
    .option('--heartbeat-ms <ms>', 'heartbeat interval of the events socket; clients treat two missed beats as a dead link', '15000')
    .option('--capacity-cpus <n>', 'CPUs environments may use in all (default: what the driver reports)')
    .option('--capacity-memory-mib <n>', 'memory environments may use in all, MiB (default: what the driver reports)')
    .option('--capacity-gpus <n>', 'GPUs environments may use in all (Docker cannot report them; default 0)')
    .option('--images-dir <dir>', 'the image catalog (default: devcontainer-images/ next to the program)')
    .option('--kubernetes-config <file>', 'JSON: nodeSelector, tolerations, storageClassName, workspaceSize, tmpSizeLimit, imagePullSecrets')
    .option('--allow-origin <origin>', 'a browser origin allowed to open the events socket (repeatable)', (v: string, all: string[]) => [...all, v], [])
    .action(async (flags: ServerFlags) => {
      const driver = Driver.safeParse(flags.driver);
      if (!driver.success) throw new UsageError(`--driver must be one of ${Driver.options.join(', ')}`);
      const dataDir = resolve(flags.dataDir);
      // Loaded on demand: client commands should not pay for the server's modules at start-up.
      const { startServer } = await import('../../server/start.js');
      const { DataDirBusyError } = await import('../../server/lock.js');
      const server = await startServer({
        host: flags.host,
        port: Number(flags.port),
        dataDir,
        driver: driver.data,
        tls: tlsOf(flags),
        adminToken: process.env.MLWB_ADMIN_TOKEN || undefined,
        allowedOrigins: flags.allowOrigin,
        heartbeatMs: Number(flags.heartbeatMs),
        capacity: {
          ...(flags.capacityCpus ? { cpus: Number(flags.capacityCpus) } : {}),
          ...(flags.capacityMemoryMib ? { memoryMiB: Number(flags.capacityMemoryMib) } : {}),
          ...(flags.capacityGpus ? { gpus: Number(flags.capacityGpus) } : {}),
        },
        ...(flags.imagesDir ? { imagesDir: resolve(flags.imagesDir) } : {}),
        ...(flags.kubernetesConfig ? { kubernetesConfig: resolve(flags.kubernetesConfig) } : {}),
        logLevel: flags.logLevel as ServerConfig['logLevel'],
      }).catch((err: unknown) => {
        // A supervisor (the extension) attaches to the running backend instead of starting another.
        if (err instanceof DataDirBusyError && flags.readyJson) console.log(JSON.stringify({ mlwbAlreadyRunning: true, ...err.info }));
        throw err;
      });
      for (const w of server.warnings) console.error(`warning: ${w}`);
      console.log(`ML Workbench backend ${server.info.version} listening on ${server.url} (driver ${server.info.driver}, data ${dataDir})`);
      if (server.keyPair) console.log(`TLS certificate: ${server.keyPair.certFile} (clients trust it with --ca or MLWB_CA)`);
      if (server.bootstrap.generatedToken) {
        console.log(`Admin token (shown once; also in ${server.bootstrap.tokenFile}): ${server.bootstrap.generatedToken}`);
      }
      if (flags.readyJson) console.log(JSON.stringify({ mlwbReady: true, url: server.url, version: server.info.version }));

      let stopping = false;
      const stop = (signal: string): void => {
        if (stopping) {
          console.error(`${signal} again: exiting without waiting`);
          process.exit(1);
        }
        stopping = true;
        console.log(`${signal}: finishing in-flight requests and closing the store…`);
        server.close().then(
          () => process.exit(0),
          (err: unknown) => {
            console.error(`shutdown failed: ${(err as Error).message}`);
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
      if (flags.stopOnStdinEnd) {
        process.stdin.on('end', () => stop('stdin closed'));
        process.stdin.resume();
      }
    });
}
