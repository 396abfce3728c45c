/** The port debugpy listens on inside the environment, unless the user's launch settings name another. */
export const DEFAULT_DEBUG_PORT = 5678;

/**
 * The job's command: the file under debugpy, listening on every interface of the environment (the
 * backend reaches it at the environment's address) and waiting for the debugger before it runs.
 */
export function debugCommand(file: string, args: readonly string[], port = DEFAULT_DEBUG_PORT): string[] {
  return ['python3', '-m', 'debugpy', '--listen', `0.0.0.0:${port}`, '--wait-for-client', file, ...args];
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
  type: 'debugpy';
  request: 'attach';
  name: string;
  connect: { host: string; port: number };
  pathMappings: PathMapping[];
  justMyCode: boolean;
  /** Ours, so the session can be matched to its job. */
  mlwbJobId: string;
  [key: string]: unknown;
}

export function attachConfiguration(options: { jobId: string; name: string; localPort: number; localRoot: string; remoteRoot: string }): AttachConfiguration {
  return {
    type: 'debugpy',
    request: 'attach',
    name: options.name,
    connect: { host: '127.0.0.1', port: options.localPort },
    pathMappings: pathMappings(options.localRoot, options.remoteRoot),
    justMyCode: true,
    mlwbJobId: options.jobId,
  };
}

/** The Python debugger extensions that provide the `debugpy` debug type, newest first. */
export const DEBUGGER_EXTENSIONS = ['ms-python.debugpy', 'ms-python.python'] as const;
