import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, rmSync } from 'node:fs';
import { constants, cpus, totalmem } from 'node:os';
import path from 'node:path';
import type { EnvironmentStats, ExecResult } from '../../protocol/index.js';
import { DriverError, type HostCapacity, type ImageRequest, type JobOutcome, type JobSpec, type JupyterEndpoint, type LogLine, type OwnedInstance, type PortAddress, type RuntimeDriver, type RuntimeStatus, type RuntimeTarget, type WorkspaceChange } from '../driver.js';
import { probeJupyter, waitForJupyter } from '../jupyter-probe.js';
import { Cgroups, probeHostCgroups, realCgroupFs, type CgroupFs, type CgroupProbe } from './cgroups.js';
import { countGpus, GPU_QUERY, parseGpuQuery, runNvidiaSmi, type NvidiaSmi } from './gpus.js';
import { envLayout, isEnvId, type EnvLayout } from './layout.js';
import { freePort, PortTaken, portWasTaken } from './ports.js';
import { appendSystemLine, followFile, parseLogLine, rotateIfLarge, sizeOf, tailLines } from './logs.js';
import { EnvProcesses } from './members.js';
import { runLocalJob } from './jobs.js';
import { execCapped, isAlive, processStartOf, runTool, type ToolRunner } from './process.js';
import { defaultPython, jupyterArgs, serverEnv } from './spec.js';
import { readState, writeState, type CgroupDirs, type RunState, type StateFile } from './state.js';
import { UsageSampler } from './usage.js';
import { writeLocalWorkspace } from './files.js';
import { prepareVenv, readVenvMarker } from './venv.js';

export interface LocalDriverOptions {
  /** The base interpreter for the venvs; default Debian's /usr/bin/python3 where it exists, else `python3` (`python` on Windows). */
  python?: string;
  /** The cgroup probe's result; default: probe this host at construction. */
  cgroups?: CgroupProbe;
  cgroupFs?: CgroupFs;
  /** Runs venv creation, pip and the import check (tests watch and fake it). */
  runTool?: ToolRunner;
  nvidiaSmi?: NvidiaSmi;
  /** Where pass-through variables (locale, proxies, pip's index) come from; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Time between SIGTERM and SIGKILL on stop (default 10 s). */
  stopGraceMs?: number;
  startTimeoutMs?: number;
}

const MIB = 1024 * 1024;
const OUTPUT_CAP = MIB;
const LOG_ROTATE_BYTES = 10 * MIB;
const PORT_ATTEMPTS = 3;

/**
 * Environments as processes on this machine: per environment a directory `<root>/<envId>/` with a
 * venv on the host's Python, the workspace, a private HOME, the server's log and state.json, from
 * which a restarted backend finds its servers again. Limits are enforced with cgroups where the
 * host lets us (see cgroups.ts) and only recorded elsewhere; `limitsEnforced` says which.
 */
export class LocalDriver implements RuntimeDriver {
  readonly kind = 'local' as const;
  readonly limitsEnforced: boolean;
  /** Why limits are or are not enforced, for the backend's log. */
  readonly limitsReason: string;
  readonly python: string;
  private readonly cgroups: Cgroups | undefined;
  private readonly processes: EnvProcesses;
  private readonly usage = new UsageSampler();
  /** Exit codes of the servers this backend started (a server it adopted exits unobserved). */
  private readonly exitCodes = new Map<string, number | null>();
  private readonly stopping = new Set<string>();
  private readonly runTool: ToolRunner;
  private readonly nvidiaSmi: NvidiaSmi;
  private readonly parentEnv: NodeJS.ProcessEnv;

  constructor(
    readonly root: string,
    private readonly options: LocalDriverOptions = {},
  ) {
    this.python = options.python ?? defaultPython(existsSync);
    const probe = options.cgroups ?? probeHostCgroups();
    const cgroupFs = options.cgroupFs ?? realCgroupFs;
    this.cgroups = probe.support && new Cgroups(probe.support, cgroupFs);
    this.limitsEnforced = !!this.cgroups;
    this.limitsReason = probe.reason;
    this.processes = new EnvProcesses(cgroupFs);
    this.runTool = options.runTool ?? runTool;
    this.nvidiaSmi = options.nvidiaSmi ?? runNvidiaSmi;
    this.parentEnv = options.env ?? process.env;
  }

  private layout(envId: string): EnvLayout {
    return envLayout(this.root, envId);
  }

  /** Per data directory: two backends on one host never share a cgroup. */
  private cgroupName(envId: string): string {
    return `env-${createHash('sha256').update(`${path.resolve(this.root)}\0${envId}`).digest('hex').slice(0, 12)}`;
  }

  private state(envId: string): StateFile | undefined {
    const read = readState(this.layout(envId).state);
    return read?.ok ? read.state : undefined;
  }

  /** The run's state while its server process lives. */
  private live(envId: string): RunState | undefined {
    const run = this.state(envId)?.run;
    return run && isAlive(run.pid, run.processStart) ? run : undefined;
  }

  async capacity(): Promise<HostCapacity> {
    const listing = await this.nvidiaSmi(['-L']);
    return { cpus: cpus().length, memoryMiB: Math.floor(totalmem() / MIB), gpus: listing ? countGpus(listing) : 0 };
  }

  async ensureImage(request: ImageRequest, progress: (line: string) => void, signal: AbortSignal): Promise<string> {
    const layout = this.layout(request.envId);
    mkdirSync(layout.dir, { recursive: true });
    const ref = await prepareVenv({ layout, python: this.python, run: this.runTool, parentEnv: this.parentEnv, progress, signal }, request);
    const previous = this.state(request.envId);
    writeState(layout.state, { version: 1, envId: request.envId, ownerId: request.ownerId, imageRef: ref, run: previous?.run ?? null, lastExit: previous?.lastExit ?? null });
    return ref;
  }

  async start(target: RuntimeTarget, signal: AbortSignal): Promise<JupyterEndpoint> {
    const layout = this.layout(target.envId);
    await this.stop(target.envId);
    const { gpus } = target.resources;
    // nothing hands GPUs out to local processes, but a request the host cannot meet at all is refused
    if (gpus > 0 && (await this.capacity()).gpus < gpus) throw new DriverError(`this host has fewer than ${gpus} NVIDIA GPUs (nvidia-smi -L)`, 'user');
    const venv = readVenvMarker(layout);
    if (!venv || !existsSync(layout.python)) throw new DriverError(`environment ${target.envId} has no virtual environment yet (ensureImage makes it)`);
    if (venv.imageRef !== target.imageRef) throw new DriverError(`environment ${target.envId} has ${venv.imageRef}, not ${target.imageRef} (ensureImage makes it)`);
    for (const dir of [layout.work, layout.home, layout.logs]) mkdirSync(dir, { recursive: true });
    rotateIfLarge(layout.log, LOG_ROTATE_BYTES);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.launch(target, layout, await freePort(), signal);
      } catch (err) {
        // the port was free a moment ago; someone took it before Jupyter could
        if (!(err instanceof PortTaken) || attempt === PORT_ATTEMPTS) throw err instanceof PortTaken ? new DriverError(err.message) : err;
      }
    }
  }

  private limitsLine(target: RuntimeTarget): string {
    const { cpus: n, memoryMiB } = target.resources;
    return `limits ${n} CPUs, ${memoryMiB} MiB: ${this.limitsEnforced ? 'enforced' : 'recorded, not enforced'} (${this.limitsReason})`;
  }

  private makeCgroup(target: RuntimeTarget): CgroupDirs | null {
    try {
      return this.cgroups?.create(this.cgroupName(target.envId), target.resources) ?? null;
    } catch (err) {
      throw new DriverError(`could not set up the environment's cgroup: ${(err as Error).message}`, 'engine', { cause: err });
    }
  }

  private async launch(target: RuntimeTarget, layout: EnvLayout, port: number, signal: AbortSignal): Promise<JupyterEndpoint> {
    const env = serverEnv(layout, target, this.parentEnv);
    const cgroup = this.makeCgroup(target);
    const logOffset = sizeOf(layout.log);
    appendSystemLine(layout.log, `starting Jupyter on 127.0.0.1:${port}; ${this.limitsLine(target)}`);
    const pid = await this.spawnServer(target, layout, port, env);
    const run: RunState = {
      pid,
      processStart: processStartOf(pid),
      port,
      token: target.jupyterToken,
      baseUrl: target.jupyterBaseUrl,
      startedAt: new Date().toISOString(),
      limits: { cpus: target.resources.cpus, memoryMiB: target.resources.memoryMiB },
      cgroup,
      env,
      logOffset,
    };
    const previous = this.state(target.envId);
    writeState(layout.state, { version: 1, envId: target.envId, ownerId: target.ownerId, imageRef: target.imageRef, run, lastExit: previous?.lastExit ?? null });
    const origin = `http://127.0.0.1:${port}`;
    try {
      // moved in before it can start anything: its kernels and their children follow it into the cgroup
      if (cgroup) this.cgroups!.add(cgroup, pid);
      await waitForJupyter(async () => origin, target.jupyterBaseUrl, target.jupyterToken, {
        signal,
        timeoutMs: this.options.startTimeoutMs ?? 120_000,
        alive: async () => isAlive(pid, run.processStart),
      });
    } catch (err) {
      const tail = tailLines(layout.log, 20);
      await this.stop(target.envId);
      if (portWasTaken(tail, port)) throw new PortTaken(`port ${port} was taken while Jupyter started`);
      throw new DriverError(`${(err as Error).message}; last log lines:\n${tail.join('\n')}`, 'engine', { cause: err });
    }
    appendSystemLine(layout.log, `Jupyter answers at ${origin}${target.jupyterBaseUrl} (pid ${pid})`);
    return { origin, token: target.jupyterToken };
  }

  /** Detached (its own process group, so stop reaches the tree), no shell, output appended to the log. */
  private spawnServer(target: RuntimeTarget, layout: EnvLayout, port: number, env: Record<string, string>): Promise<number> {
    const fd = openSync(layout.log, 'a');
    try {
      const child = spawn(layout.python, jupyterArgs(target, layout, port, process.getuid?.() === 0), {
        cwd: layout.work,
        env,
        stdio: ['ignore', fd, fd],
        detached: process.platform !== 'win32',
        windowsHide: true,
      });
      child.on('exit', (code, sig) => {
        this.exitCodes.set(target.envId, code ?? (sig ? 128 + (constants.signals[sig] ?? 0) : null));
        if (!this.stopping.has(target.envId)) appendSystemLine(layout.log, `the Jupyter server exited (${code !== null ? `exit code ${code}` : `signal ${sig}`})`);
      });
      child.unref();
      return new Promise((resolve, reject) => {
        if (child.pid) return resolve(child.pid);
        child.once('error', (err) => reject(new DriverError(`could not start ${layout.python}: ${err.message}`, 'engine', { cause: err })));
      });
    } finally {
      closeSync(fd);
    }
  }

  /** An environment's processes share the host's loopback: a port they listen on is on 127.0.0.1. */
  async portAddress(envId: string, port: number): Promise<PortAddress | undefined> {
    return (await this.inspect(envId))?.running ? { host: '127.0.0.1', port } : undefined;
  }

  async stop(envId: string): Promise<void> {
    const layout = this.layout(envId);
    const state = this.state(envId);
    const run = state?.run;
    if (!state || !run) return;
    this.stopping.add(envId);
    try {
      await this.processes.terminate(envId, run, this.options.stopGraceMs ?? 10_000);
      let oomKilled = false;
      if (run.cgroup) {
        const cgroups = this.processes.cgroupsOf(run.cgroup);
        oomKilled = cgroups.oomKilled(run.cgroup);
        cgroups.remove(run.cgroup);
      }
      const exitCode = this.exitCodes.get(envId) ?? null;
      writeState(layout.state, { ...state, run: null, lastExit: { at: new Date().toISOString(), exitCode, oomKilled } });
      appendSystemLine(layout.log, `stopped${exitCode !== null ? ` (exit code ${exitCode})` : ''}${oomKilled ? '; a process was killed for exceeding the memory limit' : ''}`);
      this.usage.forget(envId);
    } finally {
      this.stopping.delete(envId);
    }
  }

  async remove(envId: string, options: { purge: boolean }): Promise<void> {
    const layout = this.layout(envId);
    if (!existsSync(layout.dir)) return;
    await this.stop(envId);
    this.cgroups?.remove(this.cgroups.dirsFor(this.cgroupName(envId)));
    this.exitCodes.delete(envId);
    const rm = (p: string): void => rmSync(p, { recursive: true, force: true, maxRetries: 3 });
    if (options.purge) return rm(layout.dir);
    for (const entry of readdirSync(layout.dir)) if (entry !== 'work') rm(path.join(layout.dir, entry));
  }

  async inspect(envId: string): Promise<RuntimeStatus | undefined> {
    const read = readState(this.layout(envId).state);
    if (!read) return undefined;
    if (!read.ok) return { running: false, exitCode: null, oomKilled: false };
    const { run, lastExit } = read.state;
    if (run && isAlive(run.pid, run.processStart)) return { running: true, exitCode: null, oomKilled: false };
    if (run) {
      const oomKilled = run.cgroup ? this.processes.cgroupsOf(run.cgroup).oomKilled(run.cgroup) : false;
      return { running: false, exitCode: this.exitCodes.get(envId) ?? null, oomKilled };
    }
    return { running: false, exitCode: lastExit?.exitCode ?? null, oomKilled: lastExit?.oomKilled ?? false };
  }

  async endpoint(envId: string): Promise<JupyterEndpoint | undefined> {
    const run = this.live(envId);
    return run && { origin: `http://127.0.0.1:${run.port}`, token: run.token };
  }

  async logs(envId: string, tail: number): Promise<LogLine[]> {
    return tailLines(this.layout(envId).log, tail).map(parseLogLine);
  }

  async followLogs(envId: string, onLine: (line: LogLine) => void): Promise<() => void> {
    const from = this.live(envId)?.logOffset;
    return followFile(this.layout(envId).log, (raw) => onLine(parseLogLine(raw)), () => !!this.live(envId), undefined, from);
  }

  async exec(envId: string, command: string[], timeoutMs: number): Promise<ExecResult> {
    const layout = this.layout(envId);
    const run = this.live(envId);
    if (!run) throw new DriverError(`environment ${envId} is not running`, 'user');
    const [file, ...args] = command;
    if (!file) throw new DriverError('no command given', 'user');
    return execCapped({ file, args, cwd: layout.work, env: run.env }, timeoutMs, OUTPUT_CAP, (pid) => this.join(envId, run, pid));
  }

  /** A process started in the environment from outside its server becomes one of its members (and enters its cgroup). */
  private join(envId: string, run: RunState, pid: number): void {
    this.processes.track(envId, pid);
    if (run.cgroup) {
      try {
        this.processes.cgroupsOf(run.cgroup).add(run.cgroup, pid);
      } catch {
        // it exited already
      }
    }
  }

  runJob(envId: string, spec: JobSpec, onOutput: (stream: 'stdout' | 'stderr', chunk: Buffer) => void, signal: AbortSignal): Promise<JobOutcome> {
    const run = this.live(envId);
    return runLocalJob(this.layout(envId), run, (pid) => this.join(envId, run!, pid), spec, onOutput, signal);
  }

  async stats(envId: string): Promise<EnvironmentStats> {
    const run = this.live(envId);
    const pids = run ? this.processes.members(envId, run) : [];
    const [usage, gpus] = await Promise.all([this.usage.usage(envId, pids), this.nvidiaSmi(GPU_QUERY)]);
    const cgroupMemory = run?.cgroup ? this.processes.cgroupsOf(run.cgroup).memoryUsed(run.cgroup) : undefined;
    const enforced = !!run?.cgroup;
    return {
      at: new Date().toISOString(),
      cpu: { percent: usage.cpuPercent, limitCpus: enforced ? run.limits.cpus : null },
      memory: { usedBytes: cgroupMemory ?? usage.rssBytes, limitBytes: enforced ? run.limits.memoryMiB * MIB : null },
      gpus: gpus ? parseGpuQuery(gpus) : [],
    };
  }

  writeWorkspace(envId: string, change: WorkspaceChange): Promise<{ root: string }> {
    return writeLocalWorkspace(this.layout(envId).work, change);
  }

  async list(): Promise<OwnedInstance[]> {
    let names: string[];
    try {
      names = readdirSync(this.root).filter(isEnvId);
    } catch {
      return [];
    }
    const found = await Promise.all(names.map((envId) => this.instance(envId)));
    return found.filter((i): i is OwnedInstance => !!i);
  }

  /** A server counts as running when its pid is ours and alive and its port answers with its token. */
  private async instance(envId: string): Promise<OwnedInstance | undefined> {
    const read = readState(this.layout(envId).state);
    if (!read) return undefined;
    if (!read.ok) return { envId, ownerId: '', running: false };
    const { ownerId, run } = read.state;
    const running = !!run && isAlive(run.pid, run.processStart) && (await probeJupyter(`http://127.0.0.1:${run.port}`, run.baseUrl, run.token));
    return { envId, ownerId, running };
  }
}
