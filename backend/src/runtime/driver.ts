import type { EnvironmentStats, ExecResult, Packages, Resources } from '../protocol/index.js';
import type { ConcreteDriver } from './detect.js';

/** Everything a driver needs to run one environment; built by the environment service. */
export interface RuntimeTarget {
  envId: string;
  ownerId: string;
  name: string;
  /** The image (docker/kubernetes) or base description (local) to run, as `ensureImage` returned it. */
  imageRef: string;
  resources: Resources;
  env: Record<string, string>;
  /** The Jupyter server's own token; clients never see it (they go through the backend's proxy). */
  jupyterToken: string;
  /** URL prefix the Jupyter server is served under, so the proxy can forward paths unchanged. */
  jupyterBaseUrl: string;
}

/** Where the backend reaches an environment's Jupyter server (a private address). */
export interface JupyterEndpoint {
  /** e.g. `http://127.0.0.1:41234` — without the base URL. */
  origin: string;
  token: string;
}

export interface RuntimeStatus {
  running: boolean;
  exitCode: number | null;
  /** The main process was killed for exceeding its memory limit. */
  oomKilled: boolean;
}

/** An instance the driver finds on its engine, recognised by our labels; for reconciliation at start. */
export interface OwnedInstance {
  envId: string;
  ownerId: string;
  running: boolean;
  /**
   * The backend that created it, where the driver records one. Several backends may share an
   * engine (a team server and a laptop's built-in one): only the creator may treat it as an orphan.
   */
  backendId?: string;
}

export interface ImageRequest {
  envId: string;
  ownerId: string;
  /** The catalog image's tag, e.g. `mlwb/python-cpu:1.0.0`. */
  baseImage: string;
  packages: Packages;
}

export interface LogLine {
  stream: 'stdout' | 'stderr' | 'system';
  line: string;
  at: string | null;
}

/** Where the backend opens a TCP connection to reach a port inside an environment. */
export interface PortAddress {
  host: string;
  port: number;
  /**
   * Whether something listens on the port inside the environment, for an address that accepts
   * before it could know (a Kubernetes port-forward's local end); absent where connecting tells.
   */
  listening?: () => Promise<boolean>;
}

/** A job's command as the driver runs it (see backend/src/jobs/ and mlwb_runtime.job). */
export interface JobSpec {
  jobId: string;
  command: string[];
  /** Working directory inside the environment; null: the environment's workspace. */
  cwd: string | null;
  /** Added to the environment's own variables. */
  env: Record<string, string>;
}

/** How a job's command ended. */
export interface JobOutcome {
  /** null when it is unknown (the environment went away under it). */
  exitCode: number | null;
  /** The signal that ended it (`SIGKILL`), if one did. */
  signal: string | null;
  /** Killed by the kernel for exceeding the environment's memory limit. */
  oomKilled: boolean;
  peakMemoryMiB: number | null;
  /** Stopped because `signal` of runJob was aborted. */
  cancelled: boolean;
}

export interface HostCapacity {
  cpus: number;
  memoryMiB: number;
  gpus: number;
}

/** A failure of the engine or of the environment, with what the user should see. */
export class DriverError extends Error {
  constructor(
    message: string,
    /** `user` when the request itself was at fault (a failing package install, no GPU support). */
    readonly blame: 'user' | 'engine' = 'engine',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DriverError';
  }
}

/** One file for `writeWorkspace`: its content comes from the backend's sync cache, as a stream. */
export interface WorkspaceFile {
  /** Relative, '/'-separated, already checked by the protocol's `SyncPath`. */
  path: string;
  size: number;
  executable: boolean;
  open(): Promise<import('node:stream').Readable>;
}

/** A change to one workspace folder of an environment (see backend/src/sync/). */
export interface WorkspaceChange {
  /** The folder under the environment's work directory (a protocol `WorkspaceName`). */
  name: string;
  /** Files or folders to remove first, relative to the folder. */
  remove: string[];
  write: WorkspaceFile[];
}

/**
 * One interface, three implementations (local processes, Docker, Kubernetes). Every method is
 * idempotent where that makes sense (stop, remove), and none keeps state that a backend restart
 * would lose: what runs is rediscovered with `list()`.
 */
export interface RuntimeDriver {
  readonly kind: ConcreteDriver;
  /** Whether CPU/memory limits are enforced, or only recorded (the local driver without cgroups). */
  readonly limitsEnforced: boolean;
  capacity(): Promise<HostCapacity>;
  /** Makes sure the image with these packages exists (building a derived one when needed); returns its reference. */
  ensureImage(request: ImageRequest, progress: (line: string) => void, signal: AbortSignal): Promise<string>;
  /** Creates (if needed) and starts the environment, and resolves once Jupyter answers. */
  start(target: RuntimeTarget, signal: AbortSignal): Promise<JupyterEndpoint>;
  stop(envId: string): Promise<void>;
  /** Removes the instance; with `purge`, the workspace too. */
  remove(envId: string, options: { purge: boolean }): Promise<void>;
  inspect(envId: string): Promise<RuntimeStatus | undefined>;
  endpoint(envId: string): Promise<JupyterEndpoint | undefined>;
  logs(envId: string, tail: number): Promise<LogLine[]>;
  /** Streams new log lines until the returned function is called or the instance stops. */
  followLogs(envId: string, onLine: (line: LogLine) => void): Promise<() => void>;
  exec(envId: string, command: string[], timeoutMs: number): Promise<ExecResult>;
  stats(envId: string): Promise<EnvironmentStats>;
  list(): Promise<OwnedInstance[]>;
  /**
   * Runs a job's command in the running environment, passing its output on as it comes. Aborting
   * `signal` stops the command's whole process tree; the promise settles once it has ended.
   */
  runJob(envId: string, spec: JobSpec, onOutput: (stream: 'stdout' | 'stderr', chunk: Buffer) => void, signal: AbortSignal): Promise<JobOutcome>;
  /**
   * Where the backend connects to reach `port` inside the running environment (a debugger's), or
   * undefined when it is not running. Only a place to connect to: whether anything listens there
   * shows when the backend connects.
   */
  portAddress(envId: string, port: number): Promise<PortAddress | undefined>;
  /**
   * Writes files into the workspace folder `change.name` (created if needed) after removing
   * `change.remove`; answers the folder's absolute path inside the environment. Every path stays
   * inside the folder.
   */
  writeWorkspace(envId: string, change: WorkspaceChange): Promise<{ root: string }>;
  /** Releases what the driver holds open (port-forwards); environments keep running. */
  close?(): Promise<void> | void;
}
