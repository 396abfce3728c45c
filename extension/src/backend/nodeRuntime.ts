import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { join } from 'node:path';

export const MIN_NODE_MAJOR = 20;

export class NodeNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NodeNotFoundError';
  }
}

export interface NodeHost {
  /** The setting `mlwb.backend.nodePath`; empty means "find one". */
  configured: string;
  execPath: string;
  /** `process.versions.electron`: set in desktop VS Code, whose extension host is Electron, not Node. */
  electron: string | undefined;
  findOnPath(name: string): Promise<string | undefined>;
}

/**
 * Which Node.js runs the embedded backend. The backend's native module (better-sqlite3) is built for
 * Node's ABI, so desktop VS Code's Electron cannot load it; code-server's extension host is plain Node
 * and can run it directly.
 */
export async function resolveNode(host: NodeHost): Promise<string> {
  if (host.configured) return host.configured;
  if (host.electron === undefined) return host.execPath;
  const found = await host.findOnPath('node');
  if (found) return found;
  throw new NodeNotFoundError(
    `ML Workbench runs its backend with Node.js ${MIN_NODE_MAJOR} or later, and none was found on PATH. ` +
      'Install Node.js, or set "mlwb.backend.nodePath" to its executable.',
  );
}

/** Like `which`: the first executable `name` in PATH (with PATHEXT's extensions on Windows). */
export async function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): Promise<string | undefined> {
  for (const dir of searchPath(env, platform)) {
    for (const ext of executableExtensions(env, platform)) {
      const candidate = join(dir, name + ext);
      if (await isExecutable(candidate, platform)) return candidate;
    }
  }
  return undefined;
}

function searchPath(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string[] {
  // Windows spells it Path; the env object from process.env is case-insensitive there, a copy is not.
  const path = env.PATH ?? env.Path ?? '';
  return path.split(platform === 'win32' ? ';' : ':').filter(Boolean);
}

function executableExtensions(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string[] {
  return platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean) : [''];
}

async function isExecutable(file: string, platform: NodeJS.Platform): Promise<boolean> {
  try {
    await access(file, platform === 'win32' ? constants.F_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The major version of the Node.js at `node`, asking it (`node --version` prints `v20.11.1`). */
export function nodeMajor(node: string): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile(node, ['--version'], { timeout: 10_000, windowsHide: true }, (error, stdout) => {
      const major = /^v(\d+)\./.exec(stdout.trim())?.[1];
      if (error || !major) reject(new NodeNotFoundError(`"${node}" is not a working Node.js executable${error ? `: ${error.message}` : ''}`));
      else resolve(Number(major));
    });
  });
}
