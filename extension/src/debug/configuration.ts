import type { CreateJobBody } from '../../../backend/src/protocol/index.js';

/** debugpy's usual port; the integration tests use it inside containers. */
export const DEFAULT_DEBUG_PORT = 5678;

/**
 * A port for one debug run. Each run gets its own, so two runs in one environment do not collide,
 * and on the local driver (jobs share the host's loopback) neither does a run with the host's
 * services: 20000–29999 lies below Linux's ephemeral range.
 */
export const debugPort = (random: () => number = Math.random): number => 20_000 + Math.floor(random() * 10_000);

/**
 * The job's command: the file under debugpy, listening on every interface of the environment (the
 * backend reaches it at the environment's address) and waiting for the debugger before it runs.
 */
export function debugCommand(file: string, args: readonly string[], port = DEFAULT_DEBUG_PORT): string[] {
  return ['python3', '-m', 'debugpy', '--listen', `0.0.0.0:${port}`, '--wait-for-client', file, ...args];
}

/** The job of a debug run: like Run File's, from the synced folder, which tracebacks and breakpoints map to. */
export function debugJobBody(envId: string, syncedRoot: string, script: string, port: number): CreateJobBody {
  return { envId, command: debugCommand(script, [], port), cwd: syncedRoot, workspaceRoot: syncedRoot };
}

export interface PathMapping {
  localRoot: string;
  remoteRoot: string;
}

/**
 * The workspace folder is synced to `remoteRoot` inside the environment: one mapping between the
 * two roots covers every file of it. A trailing separator is dropped from both, because debugpy
 * joins them with the rest of a path itself.
 */
export function pathMappings(localRoot: string, remoteRoot: string): PathMapping[] {
  const trim = (p: string): string => (p.length > 1 ? p.replace(/[\\/]+$/, '') : p);
  return [{ localRoot: trim(localRoot), remoteRoot: trim(remoteRoot) }];
}

/** What VS Code's Python debugger (`debugpy` type) needs to attach through the local tunnel. */
export interface AttachConfiguration {
  type: DebuggerType;
  request: 'attach';
  name: string;
  connect: { host: string; port: number };
  pathMappings: PathMapping[];
  justMyCode: boolean;
  /** Ours, so the session can be matched to its job. */
  mlwbJobId: string;
  [key: string]: unknown;
}

export function attachConfiguration(options: { jobId: string; name: string; localPort: number; localRoot: string; remoteRoot: string; type?: DebuggerType }): AttachConfiguration {
  return {
    type: options.type ?? 'debugpy',
    request: 'attach',
    name: options.name,
    connect: { host: '127.0.0.1', port: options.localPort },
    pathMappings: pathMappings(options.localRoot, options.remoteRoot),
    justMyCode: true,
    mlwbJobId: options.jobId,
  };
}

/** The debug type VS Code's Python debugger registers: `debugpy` (its own extension), `python` (older Python extensions). */
export type DebuggerType = 'debugpy' | 'python';

/** The extension to point users to when no Python debugger is installed. */
export const PYTHON_DEBUGGER_EXTENSION = 'ms-python.debugpy';

/**
 * Which debug type to attach with, given which extensions are installed; undefined: none can. The
 * Python extension has depended on the Python Debugger extension since 2024; older ones brought
 * their own debugger under the type `python`.
 */
export function debuggerType(installed: (extensionId: string) => boolean): DebuggerType | undefined {
  if (installed(PYTHON_DEBUGGER_EXTENSION)) return 'debugpy';
  if (installed('ms-python.python')) return 'python';
  return undefined;
}
