import * as path from 'node:path';

/** Where a job's files are in the environment and on this machine. */
export interface PathMapping {
  /** Where the workspace folder was synced to inside the environment (the Job's `workspaceRoot`). */
  envRoot: string;
  /** The job's working directory in the environment: relative paths in a traceback start there (default: envRoot). */
  envCwd?: string;
  /** The environment user's home, for IPython's `~/…` (default: `/home/<user>` or `/root` taken from envRoot). */
  envHome?: string;
  /** The local workspace folder the files came from. */
  localRoot: string;
}

/** Path flavour of an environment path: Windows (`C:\…`, `\\server\…`) for local environments on Windows, else POSIX. */
export function envPathModule(envRoot: string): path.PlatformPath {
  return /^[A-Za-z]:[\\/]/.test(envRoot) || envRoot.startsWith('\\\\') ? path.win32 : path.posix;
}

/** Installed code inside the workspace (a venv synced along) is not the user's code. */
const INSTALLED = /(^|[\\/])(site-packages|dist-packages)([\\/]|$)/;

function homeOf(envRoot: string): string | undefined {
  return /^(\/home\/[^/]+|\/root)(\/|$)/.exec(envRoot)?.[1];
}

/** IPython shortens paths in the home folder to `~/…`; undefined when the home is not known. */
function expandHome(envPath: string, mapping: PathMapping, env: path.PlatformPath): string | undefined {
  if (envPath !== '~' && !envPath.startsWith('~/')) return envPath;
  const home = mapping.envHome ?? homeOf(mapping.envRoot);
  return home ? env.join(home, envPath.slice(1)) : undefined;
}

/**
 * The local file a traceback's path points at, or undefined when it lies outside the synced
 * workspace (the standard library, site-packages, `<string>`, a notebook cell). `local` is the
 * path module of this machine (a parameter so tests can play Windows).
 */
export function toLocalPath(envPath: string, mapping: PathMapping, local: path.PlatformPath = path): string | undefined {
  if (!envPath || envPath.startsWith('<') || /^In ?\[\d+\]$/.test(envPath)) return undefined;
  const env = envPathModule(mapping.envRoot);
  const expanded = expandHome(envPath, mapping, env);
  if (expanded === undefined) return undefined;
  const full = env.resolve(mapping.envCwd ?? mapping.envRoot, expanded);
  const root = env.resolve(mapping.envRoot);
  const windows = env === path.win32;
  const relative = windows ? env.relative(root.toLowerCase(), full.toLowerCase()) : env.relative(root, full);
  if (!relative || relative.startsWith('..') || env.isAbsolute(relative) || INSTALLED.test(relative)) return undefined;
  // On Windows `relative` was computed in lower case; take the same segments from the real path.
  const segments = (windows ? full.slice(full.length - relative.length) : relative).split(/[\\/]/);
  return local.join(mapping.localRoot, ...segments);
}
