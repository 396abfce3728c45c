import Docker from 'dockerode';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import type { EnvironmentStats, ExecResult } from '../../protocol/index.js';
import { DriverError, type HostCapacity, type ImageRequest, type JobOutcome, type JobSpec, type JupyterEndpoint, type LogLine, type OwnedInstance, type PortAddress, type RuntimeDriver, type RuntimeStatus, type RuntimeTarget, type WorkspaceChange } from '../driver.js';
import { AGENT_ONCE, gpusFromAgent } from '../agent-output.js';
import { waitForJupyter } from '../jupyter-probe.js';
import { containerName, containerSpec, derivedDockerfile, derivedImageTag, hasPackages, JUPYTER_PORT, LABEL_BACKEND, LABEL_ENV, LABEL_OWNER, labels, NETWORK, volumeName } from './spec.js';
import { containerPortAddress } from './ports.js';
import { runDockerJob } from './jobs.js';
import { cpuPercent, type DockerStats } from './stats.js';
import { writeDockerWorkspace } from './files.js';

const OUTPUT_CAP = 1024 * 1024;
const START_TIMEOUT_MS = 120_000;

const statusOf = (err: unknown): number | undefined => (err as { statusCode?: number }).statusCode;
const ignore = (...codes: number[]) => (err: unknown): void => {
  if (!codes.includes(statusOf(err) ?? 0)) throw err;
};

/** Splits Docker's multiplexed stdout/stderr stream into lines of each. */
function demuxLines(docker: Docker, stream: Readable, onLine: (line: LogLine) => void): void {
  const streams = { stdout: new PassThrough(), stderr: new PassThrough() };
  for (const [name, s] of Object.entries(streams) as ['stdout' | 'stderr', PassThrough][]) {
    let rest = '';
    s.on('data', (chunk: Buffer) => {
      const parts = (rest + chunk.toString('utf8')).split('\n');
      rest = parts.pop() ?? '';
      for (const part of parts) onLine(splitTimestamp(name, part));
    });
    s.on('end', () => rest && onLine(splitTimestamp(name, rest)));
  }
  docker.modem.demuxStream(stream, streams.stdout, streams.stderr);
  stream.on('end', () => {
    streams.stdout.end();
    streams.stderr.end();
  });
}

function splitTimestamp(stream: 'stdout' | 'stderr', raw: string): LogLine {
  const match = /^(\d{4}-\d\d-\d\dT[\d:.]+Z) (.*)$/.exec(raw);
  return match ? { stream, at: new Date(match[1]!).toISOString(), line: match[2]! } : { stream, at: null, line: raw };
}

/** Environments as Docker containers (dockerode): the pure spec lives in spec.ts, this file only talks to the engine. */
export class DockerDriver implements RuntimeDriver {
  readonly kind = 'docker' as const;
  readonly limitsEnforced = true;

  constructor(
    readonly docker: Docker = new Docker(),
    private readonly gpus = 0,
    /** Labels everything this backend creates, so another backend on the engine never removes it. */
    private readonly backendId?: string,
  ) {}

  async capacity(): Promise<HostCapacity> {
    const info = (await this.docker.info()) as { NCPU: number; MemTotal: number };
    return { cpus: info.NCPU, memoryMiB: Math.floor(info.MemTotal / (1024 * 1024)), gpus: this.gpus };
  }

  async ensureImage(request: ImageRequest, progress: (line: string) => void, signal: AbortSignal): Promise<string> {
    const base = await this.docker.getImage(request.baseImage).inspect().catch(ignore(404));
    if (!base) throw new DriverError(`image ${request.baseImage} is not built on this engine; run "mlwb images build"`, 'user');
    if (!hasPackages(request.packages)) return request.baseImage;
    const tag = derivedImageTag(base.Id, request.packages);
    if (await this.docker.getImage(tag).inspect().catch(ignore(404))) {
      progress(`reusing ${tag} (same base and packages)`);
      return tag;
    }
    progress(`building ${tag} on ${request.baseImage}`);
    await this.build(tag, derivedDockerfile(base.Id, request.packages), labels(request.envId, request.ownerId, this.backendId), progress, signal);
    return tag;
  }

  private async build(tag: string, dockerfile: string, imageLabels: Record<string, string>, progress: (line: string) => void, signal: AbortSignal): Promise<void> {
    const dir = mkdtempSync(join(tmpdir(), 'mlwb-build-'));
    try {
      writeFileSync(join(dir, 'Dockerfile'), dockerfile);
      const stream = await this.docker.buildImage({ context: dir, src: ['Dockerfile'] }, { t: tag, labels: imageLabels, networkmode: 'host', rm: true, forcerm: true });
      const onAbort = (): void => {
        (stream as Readable).destroy(new Error('cancelled'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const tail: string[] = [];
      await new Promise<void>((resolve, reject) => {
        this.docker.modem.followProgress(
          stream,
          (err: Error | null, output: { error?: string; errorDetail?: { message?: string } }[]) => {
            signal.removeEventListener('abort', onAbort);
            const failure = err?.message ?? output.find((o) => o.error)?.error;
            if (failure) reject(new DriverError(`package install failed: ${failure.trim()}\n${tail.slice(-20).join('\n')}`, 'user'));
            else resolve();
          },
          (event: { stream?: string; status?: string }) => {
            const text = (event.stream ?? event.status ?? '').trimEnd();
            if (!text) return;
            for (const line of text.split('\n')) {
              tail.push(line);
              progress(line);
            }
          },
        );
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  private async ensureNetwork(): Promise<void> {
    const networks = await this.docker.listNetworks({ filters: { name: [NETWORK] } });
    if (networks.some((n) => n.Name === NETWORK)) return;
    await this.docker.createNetwork({ Name: NETWORK, Driver: 'bridge', Labels: { 'app.kubernetes.io/managed-by': 'mlwb' } }).catch(ignore(409));
  }

  async start(target: RuntimeTarget, signal: AbortSignal): Promise<JupyterEndpoint> {
    await this.ensureNetwork();
    await this.docker.createVolume({ Name: volumeName(target.envId), Labels: labels(target.envId, target.ownerId, this.backendId) });
    // a container left from an earlier start carries that start's settings: always create afresh
    await this.docker.getContainer(containerName(target.envId)).remove({ force: true }).catch(ignore(404));
    const container = await this.docker.createContainer(containerSpec(target, this.backendId));
    try {
      await container.start();
    } catch (err) {
      await container.remove({ force: true }).catch(() => undefined);
      const message = (err as { json?: { message?: string } }).json?.message ?? (err as Error).message;
      // e.g. "could not select device driver "nvidia" with capabilities: [[gpu]]" on a host without the NVIDIA runtime
      throw new DriverError(/device driver/.test(message) ? `this Docker engine cannot provide GPUs: ${message}` : message, /device driver/.test(message) ? 'user' : 'engine');
    }
    const origin = await waitForJupyter(() => this.origin(target.envId), target.jupyterBaseUrl, target.jupyterToken, {
      signal,
      timeoutMs: START_TIMEOUT_MS,
      alive: async () => (await this.inspect(target.envId))?.running ?? false,
    }).catch(async (err: Error) => {
      const logs = await this.logs(target.envId, 20).catch(() => []);
      throw new DriverError(`${err.message}${logs.length ? `; last log lines:\n${logs.map((l) => l.line).join('\n')}` : ''}`);
    });
    return { origin, token: target.jupyterToken };
  }

  private async origin(envId: string): Promise<string | undefined> {
    const info = await this.docker.getContainer(containerName(envId)).inspect().catch(ignore(404));
    const binding = info?.NetworkSettings.Ports?.[JUPYTER_PORT]?.[0];
    return binding ? `http://127.0.0.1:${binding.HostPort}` : undefined;
  }

  async stop(envId: string): Promise<void> {
    await this.docker.getContainer(containerName(envId)).stop({ t: 10 }).catch(ignore(304, 404));
  }

  async remove(envId: string, options: { purge: boolean }): Promise<void> {
    await this.docker.getContainer(containerName(envId)).remove({ force: true }).catch(ignore(404));
    if (options.purge) await this.docker.getVolume(volumeName(envId)).remove().catch(ignore(404));
  }

  async inspect(envId: string): Promise<RuntimeStatus | undefined> {
    const info = await this.docker.getContainer(containerName(envId)).inspect().catch(ignore(404));
    if (!info) return undefined;
    return { running: info.State.Running, exitCode: info.State.Running ? null : info.State.ExitCode, oomKilled: info.State.OOMKilled };
  }

  async endpoint(envId: string): Promise<JupyterEndpoint | undefined> {
    const info = await this.docker.getContainer(containerName(envId)).inspect().catch(ignore(404));
    if (!info?.State.Running) return undefined;
    const token = info.Config.Env.find((e) => e.startsWith('JUPYTER_TOKEN='))?.slice('JUPYTER_TOKEN='.length);
    const origin = await this.origin(envId);
    return origin && token ? { origin, token } : undefined;
  }

  async portAddress(envId: string, port: number): Promise<PortAddress | undefined> {
    const info = await this.docker.getContainer(containerName(envId)).inspect().catch(ignore(404));
    return containerPortAddress(info || undefined, port);
  }

  async logs(envId: string, tail: number): Promise<LogLine[]> {
    const container = this.docker.getContainer(containerName(envId));
    const buffer = await container.logs({ stdout: true, stderr: true, tail, timestamps: true, follow: false }).catch(ignore(404));
    if (!buffer) return [];
    const lines: LogLine[] = [];
    const stream = new PassThrough();
    const done = new Promise<void>((resolve) => stream.on('end', resolve));
    demuxLines(this.docker, stream, (l) => lines.push(l));
    stream.end(buffer);
    await done;
    await new Promise((r) => setImmediate(r));
    return lines;
  }

  async followLogs(envId: string, onLine: (line: LogLine) => void): Promise<() => void> {
    const container = this.docker.getContainer(containerName(envId));
    // From this run's start: the server's start-up lines are written before anyone can follow them.
    const since = Math.floor(Date.parse((await container.inspect()).State.StartedAt) / 1000);
    const stream = (await container.logs({ stdout: true, stderr: true, follow: true, since, timestamps: true })) as Readable;
    demuxLines(this.docker, stream, onLine);
    return () => stream.destroy();
  }

  async exec(envId: string, command: string[], timeoutMs: number): Promise<ExecResult> {
    const exec = await this.docker.getContainer(containerName(envId)).exec({ Cmd: command, AttachStdout: true, AttachStderr: true, User: '1000:1000' });
    const stream = await exec.start({ hijack: true, stdin: false });
    const out = { stdout: '', stderr: '' };
    let truncated = false;
    const sinks = { stdout: new PassThrough(), stderr: new PassThrough() };
    for (const name of ['stdout', 'stderr'] as const) {
      sinks[name].on('data', (chunk: Buffer) => {
        if (out[name].length >= OUTPUT_CAP) return void (truncated = true);
        out[name] += chunk.toString('utf8').slice(0, OUTPUT_CAP - out[name].length);
      });
    }
    this.docker.modem.demuxStream(stream, sinks.stdout, sinks.stderr);
    const timedOut = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        stream.destroy();
        resolve(true);
      }, timeoutMs);
      stream.on('end', () => (clearTimeout(timer), resolve(false)));
      stream.on('error', () => (clearTimeout(timer), resolve(false)));
    });
    const { ExitCode } = await exec.inspect();
    return { exitCode: timedOut ? null : ExitCode, ...out, timedOut, truncated };
  }

  async stats(envId: string): Promise<EnvironmentStats> {
    const container = this.docker.getContainer(containerName(envId));
    const [raw, info] = await Promise.all([container.stats({ stream: false }) as Promise<DockerStats>, container.inspect()]);
    const nano = info.HostConfig.NanoCpus ?? 0;
    // Docker's stats know nothing of GPUs: an environment that has some asks the agent inside it.
    const hasGpus = (info.HostConfig.DeviceRequests ?? []).length > 0;
    const gpus = hasGpus ? gpusFromAgent((await this.exec(envId, AGENT_ONCE, 5000).catch(() => ({ stdout: '' }))).stdout) : [];
    return {
      at: new Date().toISOString(),
      cpu: { percent: cpuPercent(raw), limitCpus: nano ? nano / 1e9 : null },
      memory: { usedBytes: raw.memory_stats.usage ?? 0, limitBytes: info.HostConfig.Memory || null },
      gpus,
    };
  }

  runJob(envId: string, spec: JobSpec, onOutput: (stream: 'stdout' | 'stderr', chunk: Buffer) => void, signal: AbortSignal): Promise<JobOutcome> {
    return runDockerJob(this.docker, this.docker.getContainer(containerName(envId)), (command) => this.exec(envId, command, 10_000), spec, onOutput, signal);
  }

  writeWorkspace(envId: string, change: WorkspaceChange): Promise<{ root: string }> {
    return writeDockerWorkspace(this, envId, change);
  }

  async list(): Promise<OwnedInstance[]> {
    const containers = await this.docker.listContainers({ all: true, filters: { label: [LABEL_ENV] } });
    return containers
      .filter((c) => c.Labels[LABEL_ENV])
      .map((c) => ({ envId: c.Labels[LABEL_ENV]!, ownerId: c.Labels[LABEL_OWNER] ?? '', running: c.State === 'running', backendId: c.Labels[LABEL_BACKEND] }));
  }
}
