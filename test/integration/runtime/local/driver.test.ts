import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogLine, RuntimeTarget } from '../../../../backend/src/runtime/driver.js';
import { LocalDriver, type LocalDriverOptions } from '../../../../backend/src/runtime/local/driver.js';
import { ProcFs } from '../../../../backend/src/runtime/local/proc.js';
import { readState } from '../../../../backend/src/runtime/local/state.js';
import { python, skip } from './jupyter-python.js';

const procfs = new ProcFs();
const alive = (pid: number): boolean => {
  const stat = procfs.stat(pid);
  return !!stat && stat.state !== 'Z';
};
const until = async (check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
};

const modes: { mode: string; envId: string; options: LocalDriverOptions }[] = [
  { mode: 'limits as this host allows', envId: 'env_localit01', options: {} },
  // the path of hosts without usable cgroups: the process tree is found through /proc alone
  { mode: 'limits only recorded', envId: 'env_localit02', options: { cgroups: { support: undefined, reason: 'disabled by the test' } } },
];

describe.skipIf(!!skip).each(modes)(`local driver with the real Jupyter of ${python}, $mode`, ({ envId: ENV, options }) => {
  const BASE = `/api/v1/environments/${ENV}/jupyter/`;
  let root: string;
  let driver: LocalDriver;
  let target: RuntimeTarget;
  let origin: string;
  const signal = new AbortController().signal;
  const get = (path: string, token?: string): Promise<Response> => fetch(`${origin}${BASE}${path}`, { headers: token ? { authorization: `token ${token}` } : {} });
  const work = (): string => join(root, ENV, 'work');

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'mlwb-local-it-'));
    driver = new LocalDriver(root, options);
    console.info(`[local driver] limits enforced: ${driver.limitsEnforced} (${driver.limitsReason})`);
    const progress: string[] = [];
    const imageRef = await driver.ensureImage({ envId: ENV, ownerId: 'usr_localit1', baseImage: 'mlwb/python-cpu:1.0.0', packages: { apt: [], pip: [] } }, (l) => progress.push(l), signal);
    expect(imageRef).toMatch(/^local:3\.\d+\.\d+$/);
    expect(progress.join('\n')).toContain('creating a virtual environment');
    target = {
      envId: ENV,
      ownerId: 'usr_localit1',
      name: 'it',
      imageRef,
      resources: { cpus: 1.5, memoryMiB: 768, gpus: 0 },
      env: { MY_SETTING: 'from-the-spec' },
      jupyterToken: 'tok-local-integration',
      jupyterBaseUrl: BASE,
    };
    ({ origin } = await driver.start(target, signal));
  });

  afterAll(async () => {
    await driver?.remove(ENV, { purge: true });
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('serves Jupyter on loopback under the base URL, with the token only', async () => {
    expect(origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await get('api', target.jupyterToken)).status).toBe(200);
    // jupyter_server 1.23 answers the bare version route to anyone; every other route wants the token
    expect((await get('api/status')).status).toBe(403);
    expect((await get('api/status', 'wrong')).status).toBe(403);
    expect((await get('api/status', target.jupyterToken)).status).toBe(200);
    expect(await driver.endpoint(ENV)).toEqual({ origin, token: target.jupyterToken });
    expect(await driver.inspect(ENV)).toEqual({ running: true, exitCode: null, oomKilled: false });
  });

  it('keeps the token off the command line', () => {
    const run = (readState(join(root, ENV, 'state.json')) as { ok: true; state: { run: { pid: number } } }).state.run;
    expect(readFileSync(`/proc/${run.pid}/cmdline`, 'utf8')).not.toContain(target.jupyterToken);
    expect(readFileSync(`/proc/${run.pid}/cmdline`, 'utf8')).toContain('--ServerApp.base_url=' + BASE);
  });

  it('runs commands in the workspace with the environment’s variables, and returns their exit code', async () => {
    const script = 'import os, sys; print(os.getcwd()); print(os.environ["HOME"]); print(os.environ["MY_SETTING"], os.environ["OMP_NUM_THREADS"], os.environ["MLWB_ENV_ID"]); print(sys.prefix); sys.stderr.write("to stderr\\n"); sys.exit(3)';
    const result = await driver.exec(ENV, ['python', '-c', script], 30_000);
    expect(result).toMatchObject({ exitCode: 3, timedOut: false, truncated: false, stderr: 'to stderr\n' });
    expect(result.stdout.split('\n')).toEqual([work(), join(root, ENV, 'home'), `from-the-spec 2 ${ENV}`, join(root, ENV, 'venv'), '']);
  });

  it('sees the Debian packages through the venv', async () => {
    const result = await driver.exec(ENV, ['python', '-c', 'import jupyter_server, ipykernel; print("ok")'], 30_000);
    expect(result).toMatchObject({ exitCode: 0, stdout: 'ok\n' });
  });

  it('answers 127 for a command that does not exist', async () => {
    const result = await driver.exec(ENV, ['no-such-command-mlwb'], 10_000);
    expect(result.exitCode).toBe(127);
    expect(result.stderr).toContain('ENOENT');
  });

  it('cuts output at 1 MiB per stream', async () => {
    const result = await driver.exec(ENV, ['python', '-c', 'import sys; sys.stdout.write("x" * (3 * 1024 * 1024))'], 30_000);
    expect(result).toMatchObject({ exitCode: 0, truncated: true });
    expect(result.stdout.length).toBe(1024 * 1024);
  });

  it('times out, killing the command and what it started', async () => {
    const script = 'import subprocess, time; p = subprocess.Popen(["sleep", "120"]); print(p.pid, flush=True); time.sleep(120)';
    const started = Date.now();
    const result = await driver.exec(ENV, ['python', '-c', script], 1500);
    expect(result).toMatchObject({ exitCode: null, timedOut: true });
    expect(Date.now() - started).toBeLessThan(10_000);
    const child = Number(result.stdout.trim());
    expect(child).toBeGreaterThan(0);
    await until(() => !alive(child), 5000);
  });

  it('keeps the server’s start lines and its own system lines in the log, and follows new ones', async () => {
    const lines = await driver.logs(ENV, 200);
    expect(lines.some((l) => l.stream === 'system' && l.line.startsWith('starting Jupyter on 127.0.0.1:') && l.at !== null)).toBe(true);
    expect(lines.some((l) => l.stream === 'stdout' && /Jupyter Server [\d.]+ is running at/.test(l.line))).toBe(true);
    expect(lines.some((l) => l.stream === 'system' && l.line.startsWith('Jupyter answers at'))).toBe(true);
    expect(await driver.logs(ENV, 2)).toHaveLength(2);
    const seen: LogLine[] = [];
    const stop = await driver.followLogs(ENV, (l) => seen.push(l));
    try {
      // a 404 is logged as a warning with its path
      await get('api/contents/no-such-file-followed.txt', target.jupyterToken);
      await until(() => seen.some((l) => l.line.includes('no-such-file-followed.txt')), 10_000);
      // a follower starts at this run's beginning: the start-up lines written before it are not lost
      expect(seen.some((l) => l.stream === 'system' && l.line.startsWith('starting Jupyter on 127.0.0.1:'))).toBe(true);
      expect(seen.some((l) => /Jupyter Server [\d.]+ is running at/.test(l.line))).toBe(true);
    } finally {
      stop();
    }
  });

  it('reports plausible CPU and memory figures, and the limits where they are enforced', async () => {
    const stats = await driver.stats(ENV);
    expect(stats.cpu.percent).toBeGreaterThanOrEqual(0);
    expect(stats.cpu.percent).toBeLessThan(100 * 64);
    expect(stats.memory.usedBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(stats.memory.usedBytes).toBeLessThan(768 * 1024 * 1024);
    expect(stats.cpu.limitCpus).toBe(driver.limitsEnforced ? 1.5 : null);
    expect(stats.memory.limitBytes).toBe(driver.limitsEnforced ? 768 * 1024 * 1024 : null);
    expect(Array.isArray(stats.gpus)).toBe(true);
    const busy = driver.exec(ENV, ['python', '-c', 'import time\nt = time.time()\nwhile time.time() - t < 3: pass'], 20_000);
    await new Promise((r) => setTimeout(r, 1000));
    await driver.stats(ENV);
    await new Promise((r) => setTimeout(r, 1000));
    const loaded = await driver.stats(ENV);
    await busy;
    expect(loaded.cpu.percent).toBeGreaterThan(20);
  });

  it.runIf(process.platform === 'linux')('puts the server in a limited cgroup where limits are enforced', () => {
    const state = readState(join(root, ENV, 'state.json'));
    const run = state?.ok ? state.state.run : null;
    expect(run).not.toBeNull();
    if (!driver.limitsEnforced) return expect(run!.cgroup).toBeNull();
    const cgroup = run!.cgroup!;
    const procs = readFileSync(join(cgroup.cpu, 'cgroup.procs'), 'utf8').split('\n').map(Number);
    expect(procs).toContain(run!.pid);
    if (cgroup.version === 1) {
      expect(readFileSync(join(cgroup.cpu, 'cpu.cfs_quota_us'), 'utf8').trim()).toBe('150000');
      expect(readFileSync(join(cgroup.memory, 'memory.limit_in_bytes'), 'utf8').trim()).toBe(String(768 * 1024 * 1024));
    } else {
      expect(readFileSync(join(cgroup.cpu, 'cpu.max'), 'utf8').trim()).toBe('150000 100000');
      expect(readFileSync(join(cgroup.memory, 'memory.max'), 'utf8').trim()).toBe(String(768 * 1024 * 1024));
    }
  });

  it('is listed and adopted by a restarted backend (a new driver on the same root)', async () => {
    const restarted = new LocalDriver(root, options);
    expect(await restarted.list()).toEqual([{ envId: ENV, ownerId: 'usr_localit1', running: true }]);
    expect(await restarted.endpoint(ENV)).toEqual({ origin, token: target.jupyterToken });
    expect(await restarted.inspect(ENV)).toMatchObject({ running: true });
    expect(await restarted.exec(ENV, ['python', '-c', 'print(40 + 2)'], 30_000)).toMatchObject({ exitCode: 0, stdout: '42\n' });
    expect((await restarted.stats(ENV)).memory.usedBytes).toBeGreaterThan(0);
  });

  it('stops the whole tree (a kernel, a detached exec child), keeps the workspace across stop and start', async () => {
    writeFileSync(join(work(), 'keep.txt'), 'still here');
    const kernel = await fetch(`${origin}${BASE}api/kernels`, { method: 'POST', headers: { authorization: `token ${target.jupyterToken}`, 'content-type': 'application/json' }, body: '{}' });
    expect(kernel.status).toBe(201);
    const kernelPids = (): number[] => {
      const table = procfs.table();
      return procfs.carrying(table, 'MLWB_ENV_ID', ENV).filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('ipykernel');
        } catch {
          return false;
        }
      });
    };
    await until(() => kernelPids().length > 0);
    const [kernelPid] = kernelPids();
    const detached = await driver.exec(ENV, ['python', '-c', 'import subprocess; p = subprocess.Popen(["sleep", "300"], start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); print(p.pid)'], 30_000);
    const sleeper = Number(detached.stdout.trim());
    expect(alive(sleeper)).toBe(true);

    await driver.stop(ENV);
    expect(alive(kernelPid!)).toBe(false);
    expect(alive(sleeper)).toBe(false);
    expect(await driver.inspect(ENV)).toMatchObject({ running: false, oomKilled: false });
    expect(await driver.endpoint(ENV)).toBeUndefined();
    expect(await driver.list()).toEqual([{ envId: ENV, ownerId: 'usr_localit1', running: false }]);
    expect((await driver.logs(ENV, 5)).some((l) => l.stream === 'system' && l.line.startsWith('stopped'))).toBe(true);
    await driver.stop(ENV); // idempotent
    await expect(driver.exec(ENV, ['true'], 1000)).rejects.toMatchObject({ blame: 'user', message: expect.stringContaining('not running') });

    ({ origin } = await driver.start(target, signal));
    expect((await get('api/contents/keep.txt', target.jupyterToken)).status).toBe(200);
    expect(readFileSync(join(work(), 'keep.txt'), 'utf8')).toBe('still here');
  });

  it.runIf(process.platform === 'linux')('reports an OOM kill where memory limits are enforced', async () => {
    if (!driver.limitsEnforced) return;
    const hog = await driver.exec(ENV, ['python', '-c', 'b = b"x" * (1024 * 1024 * 1024); print(len(b))'], 60_000);
    expect(hog.exitCode).toBe(137);
    await driver.stop(ENV);
    expect(await driver.inspect(ENV)).toMatchObject({ running: false, oomKilled: true });
    ({ origin } = await driver.start(target, signal));
  });

  it('fails a start whose server dies, with its last log lines, leaving nothing running', async () => {
    // a jupyter_server package first on PYTHONPATH that exits at once
    const shadow = join(root, 'shadow');
    mkdirSync(join(shadow, 'jupyter_server'), { recursive: true });
    writeFileSync(join(shadow, 'jupyter_server', '__init__.py'), '');
    writeFileSync(join(shadow, 'jupyter_server', '__main__.py'), 'import sys\nprint("shadow server refuses to start", flush=True)\nsys.exit(3)\n');
    const err = await driver.start({ ...target, env: { PYTHONPATH: shadow } }, signal).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'DriverError', message: expect.stringContaining('exited during start-up') });
    expect((err as Error).message).toContain('shadow server refuses to start');
    expect(await driver.inspect(ENV)).toMatchObject({ running: false, exitCode: 3 });
    expect(await driver.list()).toEqual([{ envId: ENV, ownerId: 'usr_localit1', running: false }]);
    ({ origin } = await driver.start(target, signal));
    expect(await driver.inspect(ENV)).toMatchObject({ running: true });
  });

  it('remove keeps the workspace, remove with purge deletes it', async () => {
    await driver.remove(ENV, { purge: false });
    expect(existsSync(join(work(), 'keep.txt'))).toBe(true);
    expect(existsSync(join(root, ENV, 'venv'))).toBe(false);
    expect(await driver.inspect(ENV)).toBeUndefined();
    expect(await driver.list()).toEqual([]);
    await driver.remove(ENV, { purge: true });
    expect(existsSync(join(root, ENV))).toBe(false);
    await driver.remove(ENV, { purge: true }); // idempotent
  });
});
