import path from 'node:path';
import { DriverError } from '../driver.js';

/** The files of one environment under `<root>/<envId>/`; everything but `work/` is the instance. */
export interface EnvLayout {
  dir: string;
  venv: string;
  /** The workspace: survives stop, start and remove; only a purge deletes it. */
  work: string;
  /** HOME of every process: Jupyter's runtime and data dirs, IPython's profile, pip's cache. */
  home: string;
  logs: string;
  log: string;
  state: string;
  /** `bin/` (POSIX) or `Scripts\` (Windows): goes first on PATH. */
  venvBin: string;
  python: string;
}

/** `path.posix` or `path.win32`, so Windows paths can be built (and tested) on any host. */
export const pathFor = (platform: NodeJS.Platform): path.PlatformPath => (platform === 'win32' ? path.win32 : path.posix);

/** Ids come from the store (`env_…`); anything else would be a path component we did not make. */
const ENV_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export function envLayout(root: string, envId: string, platform: NodeJS.Platform = process.platform): EnvLayout {
  if (!ENV_ID.test(envId)) throw new DriverError(`invalid environment id ${JSON.stringify(envId)}`, 'user');
  const p = pathFor(platform);
  const dir = p.join(root, envId);
  const venv = p.join(dir, 'venv');
  const venvBin = platform === 'win32' ? p.join(venv, 'Scripts') : p.join(venv, 'bin');
  const logs = p.join(dir, 'logs');
  return {
    dir,
    venv,
    work: p.join(dir, 'work'),
    home: p.join(dir, 'home'),
    logs,
    log: p.join(logs, 'jupyter.log'),
    state: p.join(dir, 'state.json'),
    venvBin,
    python: p.join(venvBin, platform === 'win32' ? 'python.exe' : 'python'),
  };
}

export const isEnvId = (name: string): boolean => ENV_ID.test(name);
