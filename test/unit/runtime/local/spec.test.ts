import { describe, expect, it } from 'vitest';
import { DriverError, type RuntimeTarget } from '../../../../backend/src/runtime/driver.js';
import { envLayout } from '../../../../backend/src/runtime/local/layout.js';
import { defaultPython, imageRef, jupyterArgs, pipHash, pipInstallArgs, serverEnv, threadEnv, toolEnv, venvArgs } from '../../../../backend/src/runtime/local/spec.js';

const target = (over: Partial<RuntimeTarget> = {}): RuntimeTarget => ({
  envId: 'env_abc12345',
  ownerId: 'usr_abc12345',
  name: 'demo',
  imageRef: 'local:3.11.2',
  resources: { cpus: 1.5, memoryMiB: 2048, gpus: 0 },
  env: {},
  jupyterToken: 's3cret-token',
  jupyterBaseUrl: '/api/v1/environments/env_abc12345/jupyter/',
  ...over,
});

const options = (args: string[]): Record<string, string> =>
  Object.fromEntries(args.filter((a) => a.startsWith('--')).map((a) => [a.slice(2, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]));

describe('envLayout', () => {
  it('puts the venv, workspace, home, log and state under <root>/<envId>', () => {
    const l = envLayout('/data/local-envs', 'env_abc12345', 'linux');
    expect(l).toMatchObject({
      dir: '/data/local-envs/env_abc12345',
      work: '/data/local-envs/env_abc12345/work',
      home: '/data/local-envs/env_abc12345/home',
      log: '/data/local-envs/env_abc12345/logs/jupyter.log',
      state: '/data/local-envs/env_abc12345/state.json',
      python: '/data/local-envs/env_abc12345/venv/bin/python',
    });
  });

  it('uses Scripts\\python.exe on Windows', () => {
    const l = envLayout('C:\\Users\\me\\mlwb\\local-envs', 'env_abc12345', 'win32');
    expect(l.python).toBe('C:\\Users\\me\\mlwb\\local-envs\\env_abc12345\\venv\\Scripts\\python.exe');
    expect(l.venvBin).toBe('C:\\Users\\me\\mlwb\\local-envs\\env_abc12345\\venv\\Scripts');
  });

  it('refuses ids that are not one plain path component', () => {
    for (const bad of ['..', '../x', 'a/b', 'a\\b', '', '.hidden', 'x'.repeat(65)]) expect(() => envLayout('/r', bad, 'linux')).toThrow(DriverError);
  });
});

describe('jupyterArgs', () => {
  const layout = envLayout('/r', 'env_abc12345', 'linux');

  it('serves on loopback at the given port and base URL, from the workspace, without a browser', () => {
    const args = jupyterArgs(target(), layout, 41234, false);
    expect(args.slice(0, 2)).toEqual(['-m', 'jupyter_server']);
    expect(options(args)).toEqual({
      'ServerApp.ip': '127.0.0.1',
      'ServerApp.port': '41234',
      'ServerApp.port_retries': '0',
      'ServerApp.base_url': '/api/v1/environments/env_abc12345/jupyter/',
      'ServerApp.open_browser': 'False',
      'ServerApp.root_dir': '/r/env_abc12345/work',
      'ServerApp.allow_remote_access': 'True',
    });
  });

  it('never puts the token on the command line', () => {
    expect(jupyterArgs(target(), layout, 1, true).join(' ')).not.toContain('s3cret-token');
  });

  it('allows root only when running as root', () => {
    expect(options(jupyterArgs(target(), layout, 1, true))['ServerApp.allow_root']).toBe('True');
    expect(options(jupyterArgs(target(), layout, 1, false))).not.toHaveProperty('ServerApp.allow_root');
  });
});

describe('serverEnv', () => {
  const layout = envLayout('/r', 'env_abc12345', 'linux');
  const parent = { PATH: '/usr/bin:/bin', HOME: '/root', LANG: 'de_DE.UTF-8', SECRET_OF_THE_BACKEND: 'x', HTTPS_PROXY: 'http://proxy:3128', MLWB_TOKEN: 't' };

  it('is clean: only the pass-through list of the backend environment comes along', () => {
    const env = serverEnv(layout, target(), parent, 'linux');
    expect(env).not.toHaveProperty('SECRET_OF_THE_BACKEND');
    expect(env).not.toHaveProperty('MLWB_TOKEN');
    expect(env).toMatchObject({ LANG: 'de_DE.UTF-8', HTTPS_PROXY: 'http://proxy:3128' });
  });

  it('puts the venv first on PATH, HOME in the environment, and the driver variables in', () => {
    const env = serverEnv(layout, target(), parent, 'linux');
    expect(env).toMatchObject({
      PATH: '/r/env_abc12345/venv/bin:/usr/bin:/bin',
      HOME: '/r/env_abc12345/home',
      VIRTUAL_ENV: '/r/env_abc12345/venv',
      JUPYTER_TOKEN: 's3cret-token',
      MLWB_ENV_ID: 'env_abc12345',
      MLWB_JUPYTER_BASE_URL: '/api/v1/environments/env_abc12345/jupyter/',
      JUPYTER_RUNTIME_DIR: '/r/env_abc12345/home/.local/share/jupyter/runtime',
      IPYTHONDIR: '/r/env_abc12345/home/.ipython',
    });
  });

  it('sizes thread pools by the CPU limit, rounded up', () => {
    expect(threadEnv(1.5)).toEqual({ OMP_NUM_THREADS: '2', OPENBLAS_NUM_THREADS: '2', MKL_NUM_THREADS: '2', NUMEXPR_NUM_THREADS: '2' });
    expect(threadEnv(0.1).OMP_NUM_THREADS).toBe('1');
    expect(serverEnv(layout, target(), parent, 'linux').MKL_NUM_THREADS).toBe('2');
  });

  it('lets the user override thread counts and the locale, not PATH, HOME or the token', () => {
    const env = serverEnv(layout, target({ env: { OMP_NUM_THREADS: '7', LANG: 'C', PATH: '/evil', HOME: '/tmp', JUPYTER_TOKEN: 'x', MY_VAR: 'y' } }), parent, 'linux');
    expect(env).toMatchObject({ OMP_NUM_THREADS: '7', LANG: 'C', MY_VAR: 'y', PATH: '/r/env_abc12345/venv/bin:/usr/bin:/bin', HOME: '/r/env_abc12345/home', JUPYTER_TOKEN: 's3cret-token' });
  });

  it('defaults LANG to C.UTF-8', () => {
    expect(serverEnv(layout, target(), { PATH: '/bin' }, 'linux').LANG).toBe('C.UTF-8');
  });

  it('on Windows reads Path in any case, keeps SYSTEMROOT and points USERPROFILE at the home', () => {
    const win = envLayout('C:\\e', 'env_abc12345', 'win32');
    const env = toolEnv(win, { Path: 'C:\\Windows\\system32', SystemRoot: 'C:\\Windows' }, 'win32');
    expect(env.PATH).toBe('C:\\e\\env_abc12345\\venv\\Scripts;C:\\Windows\\system32');
    expect(env.SYSTEMROOT).toBe('C:\\Windows');
    expect(env.USERPROFILE).toBe('C:\\e\\env_abc12345\\home');
  });
});

describe('venv and pip commands', () => {
  it('makes a venv that sees the system site packages', () => {
    expect(venvArgs('/r/e/venv')).toEqual(['-m', 'venv', '--system-site-packages', '/r/e/venv']);
  });

  it('installs the requirements sorted, without prompts or progress bars', () => {
    expect(pipInstallArgs(['torch==2.1.0', 'requests'])).toEqual(['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--progress-bar', 'off', 'requests', 'torch==2.1.0']);
  });

  it('names the image after the Python version and the requirement set', () => {
    expect(imageRef('3.11.2', [])).toBe('local:3.11.2');
    expect(imageRef('3.11.2', ['b', 'a'])).toBe(`local:3.11.2+${pipHash(['a', 'b'])}`);
    expect(pipHash(['a', 'b'])).toBe(pipHash(['b', 'a']));
    expect(pipHash(['a'])).not.toBe(pipHash(['a==1']));
  });
});

describe('defaultPython', () => {
  it("prefers Debian's /usr/bin/python3, else python3 on PATH (python on Windows)", () => {
    expect(defaultPython(() => true, 'linux')).toBe('/usr/bin/python3');
    expect(defaultPython(() => false, 'linux')).toBe('python3');
    expect(defaultPython(() => true, 'win32')).toBe('python');
  });
});
