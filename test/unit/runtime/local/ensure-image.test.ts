import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DriverError, type ImageRequest } from '../../../../backend/src/runtime/driver.js';
import { LocalDriver } from '../../../../backend/src/runtime/local/driver.js';
import type { ToolCommand, ToolRunner } from '../../../../backend/src/runtime/local/process.js';
import { pipHash } from '../../../../backend/src/runtime/local/spec.js';
import { readState } from '../../../../backend/src/runtime/local/state.js';

const request = (packages: Partial<ImageRequest['packages']> = {}): ImageRequest => ({
  envId: 'env_abc12345',
  ownerId: 'usr_abc12345',
  baseImage: 'mlwb/python-cpu:1.0.0',
  packages: { apt: [], pip: [], ...packages },
});

interface FakeTools {
  pipLines?: string[];
  pipCode?: number;
  missing?: string[];
  venvCode?: number;
}

/** Plays venv, pip and the import check without running Python; records every command. */
function fakeTools(calls: ToolCommand[], behaviour: FakeTools = {}): ToolRunner {
  return async (command, onLine) => {
    calls.push(command);
    const [flag, module] = command.args;
    if (flag === '-m' && module === 'venv') {
      if (behaviour.venvCode) {
        onLine('The virtual environment was not created successfully because ensurepip is not available.');
        return behaviour.venvCode;
      }
      const venv = command.args.at(-1)!;
      mkdirSync(join(venv, 'bin'), { recursive: true });
      writeFileSync(join(venv, 'bin', 'python'), '');
      return 0;
    }
    if (flag === '-m' && module === 'pip') {
      for (const line of behaviour.pipLines ?? []) onLine(line);
      return behaviour.pipCode ?? 0;
    }
    onLine('3.11.2');
    for (const m of behaviour.missing ?? []) onLine(m);
    return 0;
  };
}

describe('LocalDriver.ensureImage (helpers faked)', () => {
  let root: string;
  let calls: ToolCommand[];
  const signal = new AbortController().signal;
  const driver = (tools: ToolRunner): LocalDriver =>
    new LocalDriver(root, { python: '/opt/py/bin/python3', runTool: tools, cgroups: { support: undefined, reason: 'test' }, env: { PATH: '/usr/bin', BACKEND_SECRET: 'x', PIP_INDEX_URL: 'http://mirror/simple' } });

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'mlwb-local-'));
    calls = [];
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('refuses apt packages, naming them, before running anything', async () => {
    const err = await driver(fakeTools(calls)).ensureImage(request({ apt: ['libgomp1', 'curl'] }), () => undefined, signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DriverError);
    expect(err).toMatchObject({ blame: 'user', message: expect.stringMatching(/cannot install system packages \(libgomp1, curl\)/) });
    expect(calls).toEqual([]);
  });

  it('makes a venv with system site packages, checks the modules, records the instance, and reuses it next time', async () => {
    const progress: string[] = [];
    const d = driver(fakeTools(calls));
    expect(await d.ensureImage(request(), (l) => progress.push(l), signal)).toBe('local:3.11.2');
    expect(calls.map((c) => [c.file, ...c.args.slice(0, 3)])).toEqual([
      ['/opt/py/bin/python3', '-m', 'venv', '--system-site-packages'],
      [join(root, 'env_abc12345', 'venv', 'bin', 'python'), '-c', expect.stringContaining('jupyter_server')],
    ]);
    expect(readState(join(root, 'env_abc12345', 'state.json'))).toMatchObject({ ok: true, state: { ownerId: 'usr_abc12345', imageRef: 'local:3.11.2', run: null } });
    expect(progress.join('\n')).toContain('creating a virtual environment on /opt/py/bin/python3');
    calls.length = 0;
    expect(await d.ensureImage(request(), () => undefined, signal)).toBe('local:3.11.2');
    expect(calls.map((c) => c.args[0])).toEqual(['-c']);
  });

  it('runs pip in the venv with a clean environment and names the image after the requirements', async () => {
    const ref = await driver(fakeTools(calls)).ensureImage(request({ pip: ['scipy==1.10.1', 'attrs'] }), () => undefined, signal);
    expect(ref).toBe(`local:3.11.2+${pipHash(['attrs', 'scipy==1.10.1'])}`);
    const pip = calls.find((c) => c.args[1] === 'pip')!;
    expect(pip.file).toBe(join(root, 'env_abc12345', 'venv', 'bin', 'python'));
    expect(pip.args).toEqual(['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--progress-bar', 'off', 'attrs', 'scipy==1.10.1']);
    expect(pip.env).toMatchObject({ HOME: join(root, 'env_abc12345', 'home'), PATH: `${join(root, 'env_abc12345', 'venv', 'bin')}:/usr/bin`, PIP_INDEX_URL: 'http://mirror/simple' });
    expect(pip.env).not.toHaveProperty('BACKEND_SECRET');
  });

  it('surfaces the installer’s error as the user’s, with its last lines, and streams its progress', async () => {
    const progress: string[] = [];
    const pipLines = ['Looking in indexes: http://mirror/simple', 'ERROR: Could not find a version that satisfies the requirement nosuchpkg (from versions: none)', 'ERROR: No matching distribution found for nosuchpkg'];
    const err = await driver(fakeTools(calls, { pipLines, pipCode: 1 })).ensureImage(request({ pip: ['nosuchpkg'] }), (l) => progress.push(l), signal).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'DriverError', blame: 'user' });
    expect((err as Error).message).toContain('package install failed: pip exited with code 1');
    expect((err as Error).message).toContain('No matching distribution found for nosuchpkg');
    expect(progress).toEqual(expect.arrayContaining(pipLines));
  });

  it('recreates the venv when the requirements change', async () => {
    const d = driver(fakeTools(calls));
    await d.ensureImage(request({ pip: ['attrs'] }), () => undefined, signal);
    calls.length = 0;
    await d.ensureImage(request({ pip: ['attrs', 'six'] }), () => undefined, signal);
    expect(calls.map((c) => c.args[1])).toEqual(['venv', 'pip', expect.any(String)]);
  });

  it('names the Debian packages when jupyter_server or ipykernel do not import', async () => {
    const err = await driver(fakeTools(calls, { missing: ['jupyter_server', 'ipykernel'] })).ensureImage(request(), () => undefined, signal).catch((e: unknown) => e);
    expect(err).toMatchObject({ blame: 'user', message: expect.stringContaining('apt-get install python3-jupyter-server python3-ipykernel') });
  });

  it('names python3-venv when the venv cannot be made', async () => {
    const err = await driver(fakeTools(calls, { venvCode: 1 })).ensureImage(request(), () => undefined, signal).catch((e: unknown) => e);
    expect(err).toMatchObject({ blame: 'user', message: expect.stringContaining('apt-get install python3-venv') });
  });

  it('says so when the Python interpreter does not exist', async () => {
    const missing: ToolRunner = async () => {
      throw Object.assign(new Error('spawn /opt/py/bin/python3 ENOENT'), { code: 'ENOENT' });
    };
    await expect(driver(missing).ensureImage(request(), () => undefined, signal)).rejects.toMatchObject({ blame: 'user', message: expect.stringContaining('/opt/py/bin/python3 was not found') });
  });

  it('stops when cancelled', async () => {
    const abort = new AbortController();
    const hanging: ToolRunner = (_command, _onLine, s) => new Promise((_resolve, reject) => s.addEventListener('abort', () => reject(new Error('cancelled'))));
    const pending = driver(hanging).ensureImage(request(), () => undefined, abort.signal);
    abort.abort();
    await expect(pending).rejects.toMatchObject({ name: 'DriverError', message: 'cancelled' });
  });
});
