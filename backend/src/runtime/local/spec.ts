import { createHash } from 'node:crypto';
import type { RuntimeTarget } from '../driver.js';
import { pathFor, type EnvLayout } from './layout.js';

/**
 * What the local driver runs, as pure functions of the target and the host: the Jupyter command
 * line, the process environments and the pip command. driver.ts only spawns what these return.
 */

export type Env = Record<string, string>;

/** Passed through from the backend's environment: locale, time zone, temp dirs, proxies, CAs, GPUs. */
const PASS_THROUGH = [
  'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'TEMP', 'TMP',
  'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy',
  'SSL_CERT_FILE', 'SSL_CERT_DIR', 'REQUESTS_CA_BUNDLE', 'PIP_INDEX_URL', 'PIP_EXTRA_INDEX_URL', 'PIP_TRUSTED_HOST', 'PIP_RETRIES', 'PIP_TIMEOUT', 'PIP_CONFIG_FILE',
  'LD_LIBRARY_PATH', 'CUDA_VISIBLE_DEVICES', 'NVIDIA_VISIBLE_DEVICES',
];
/** Windows programs (Python's socket and random modules among them) fail without these. */
const PASS_THROUGH_WIN32 = ['SYSTEMROOT', 'WINDIR', 'COMSPEC', 'PATHEXT', 'PROGRAMDATA', 'PROGRAMFILES', 'LOCALAPPDATA', 'APPDATA', 'NUMBER_OF_PROCESSORS', 'PROCESSOR_ARCHITECTURE'];

/** Windows variable names ignore case (`Path`), POSIX ones do not. */
function lookup(parent: NodeJS.ProcessEnv, name: string, platform: NodeJS.Platform): string | undefined {
  if (platform !== 'win32') return parent[name];
  const key = Object.keys(parent).find((k) => k.toUpperCase() === name.toUpperCase());
  return key === undefined ? undefined : parent[key];
}

/** Numerical libraries size their thread pools by the host's cores, not by the environment's share: tell them. */
export function threadEnv(cpus: number): Env {
  const n = String(Math.max(1, Math.ceil(cpus)));
  return { OMP_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n, MKL_NUM_THREADS: n, NUMEXPR_NUM_THREADS: n };
}

/**
 * A clean environment for helper processes (venv creation, pip): nothing of the backend's own
 * variables leaks in but the pass-through list, HOME is the environment's, the venv comes first on PATH.
 */
export function toolEnv(layout: EnvLayout, parent: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): Env {
  const env: Env = {};
  for (const name of platform === 'win32' ? [...PASS_THROUGH, ...PASS_THROUGH_WIN32] : PASS_THROUGH) {
    const value = lookup(parent, name, platform);
    if (value !== undefined) env[name] = value;
  }
  env.LANG ??= 'C.UTF-8';
  const delimiter = platform === 'win32' ? ';' : ':';
  const inherited = lookup(parent, 'PATH', platform);
  env.PATH = inherited ? `${layout.venvBin}${delimiter}${inherited}` : layout.venvBin;
  env.HOME = layout.home;
  if (platform === 'win32') env.USERPROFILE = layout.home;
  env.VIRTUAL_ENV = layout.venv;
  return env;
}

/**
 * The Jupyter server's environment, also used by `exec`: the clean base, thread counts and the
 * user's variables (which may override those two), then what the driver needs and no one may override.
 */
export function serverEnv(layout: EnvLayout, target: RuntimeTarget, parent: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): Env {
  const base = toolEnv(layout, parent, platform);
  const p = pathFor(platform);
  const data = p.join(layout.home, '.local', 'share', 'jupyter');
  return {
    ...base,
    ...threadEnv(target.resources.cpus),
    ...target.env,
    PATH: base.PATH!,
    HOME: base.HOME!,
    ...(platform === 'win32' ? { USERPROFILE: layout.home } : {}),
    VIRTUAL_ENV: layout.venv,
    JUPYTER_CONFIG_DIR: p.join(layout.home, '.jupyter'),
    JUPYTER_DATA_DIR: data,
    JUPYTER_RUNTIME_DIR: p.join(data, 'runtime'),
    IPYTHONDIR: p.join(layout.home, '.ipython'),
    JUPYTER_TOKEN: target.jupyterToken,
    MLWB_ENV_ID: target.envId,
    MLWB_JUPYTER_BASE_URL: target.jupyterBaseUrl,
  };
}

/**
 * `python -m jupyter_server …` (option names of jupyter_server 1.23, Debian bookworm's, also valid
 * in 2.x). The token travels in JUPYTER_TOKEN, never on the command line, where `ps` would show it.
 */
export function jupyterArgs(target: RuntimeTarget, layout: EnvLayout, port: number, isRoot: boolean): string[] {
  return [
    '-m',
    'jupyter_server',
    '--ServerApp.ip=127.0.0.1',
    `--ServerApp.port=${port}`,
    '--ServerApp.port_retries=0',
    `--ServerApp.base_url=${target.jupyterBaseUrl}`,
    '--ServerApp.open_browser=False',
    `--ServerApp.root_dir=${layout.work}`,
    // requests arrive through the backend's proxy with the backend's Host header (as in the images' launcher)
    '--ServerApp.allow_remote_access=True',
    ...(isRoot ? ['--ServerApp.allow_root=True'] : []),
  ];
}

export const venvArgs = (venv: string): string[] => ['-m', 'venv', '--system-site-packages', venv];

/** Requirements are validated PEP 508 strings (no options, no URLs); sorted, so the same set gives the same command. */
export function pipInstallArgs(requirements: string[]): string[] {
  return ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--progress-bar', 'off', ...[...requirements].sort()];
}

export const pipHash = (requirements: string[]): string =>
  createHash('sha256').update(JSON.stringify([...requirements].sort())).digest('hex').slice(0, 12);

/** `local:3.11.2`, or `local:3.11.2+<hash of the pip requirements>` when there are extra packages. */
export const imageRef = (pythonVersion: string, requirements: string[]): string =>
  `local:${pythonVersion}${requirements.length ? `+${pipHash(requirements)}` : ''}`;

/** The modules the server needs, and the Debian packages that provide them. */
export const REQUIRED_MODULES = { jupyter_server: 'python3-jupyter-server', ipykernel: 'python3-ipykernel' } as const;

/** Prints the Python version, then each required module that fails to import, one a line; exits 0 either way. */
export const checkScript = (): string =>
  [
    'import importlib, sys',
    "print('%d.%d.%d' % sys.version_info[:3])",
    `for m in ${JSON.stringify(Object.keys(REQUIRED_MODULES))}:`,
    '    try: importlib.import_module(m)',
    '    except Exception: print(m)',
  ].join('\n');

export function defaultPython(exists: (file: string) => boolean, platform: NodeJS.Platform = process.platform): string {
  if (platform !== 'win32' && exists('/usr/bin/python3')) return '/usr/bin/python3';
  return platform === 'win32' ? 'python' : 'python3';
}
