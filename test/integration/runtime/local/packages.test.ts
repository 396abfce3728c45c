import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalDriver } from '../../../../backend/src/runtime/local/driver.js';
import { ProcFs } from '../../../../backend/src/runtime/local/proc.js';
import { runTool, type ToolCommand } from '../../../../backend/src/runtime/local/process.js';
import { python, skip } from './jupyter-python.js';

const until = async (check: () => boolean, ms: number): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
};

/**
 * pip against an index that refuses connections (PyPI is unreachable here anyway): the real
 * installer's error must reach the user, and a cancelled install must stop.
 */
describe.skipIf(!!skip)(`local driver packages with the real pip of ${python}`, () => {
  let root: string;
  const commands: ToolCommand[] = [];
  const env = { ...process.env, PIP_INDEX_URL: 'http://127.0.0.1:9/simple', PIP_RETRIES: '0', PIP_TIMEOUT: '5' };
  const observed = (): LocalDriver =>
    new LocalDriver(root, {
      env,
      runTool: (command, onLine, signal) => {
        commands.push(command);
        return runTool(command, onLine, signal);
      },
    });
  const request = (envId: string, pip: string[]) => ({ envId, ownerId: 'usr_localit1', baseImage: 'mlwb/python-cpu:1.0.0', packages: { apt: [], pip } });

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'mlwb-local-pip-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('surfaces the installer’s error as the user’s, after streaming its output', async () => {
    const progress: string[] = [];
    const err = await observed()
      .ensureImage(request('env_localpip1', ['mlwb-no-such-package==1.0']), (l) => progress.push(l), new AbortController().signal)
      .catch((e: unknown) => e);
    const pip = commands.find((c) => c.args[1] === 'pip');
    expect(pip?.file).toBe(join(root, 'env_localpip1', 'venv', 'bin', 'python'));
    expect(pip?.args.slice(-1)).toEqual(['mlwb-no-such-package==1.0']);
    expect(err).toMatchObject({ name: 'DriverError', blame: 'user' });
    const message = (err as Error).message;
    expect(message).toMatch(/^package install failed: pip exited with code 1/);
    expect(message).toMatch(/No matching distribution found for mlwb-no-such-package==1.0/);
    expect(progress.some((l) => l.includes('No matching distribution'))).toBe(true);
  });

  it('kills a hanging install when cancelled', async () => {
    // an index that accepts connections and never answers
    const sockets: Socket[] = [];
    const silent = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as AddressInfo;
    const abort = new AbortController();
    let abortedAt = 0;
    const driver = new LocalDriver(root, { env: { ...env, PIP_INDEX_URL: `http://127.0.0.1:${port}/simple`, PIP_TIMEOUT: '120' } });
    try {
      const pending = driver.ensureImage(request('env_localpip2', ['mlwb-hanging-package']), () => undefined, abort.signal);
      // pip is connected to the silent index: cancel now
      await until(() => sockets.length > 0, 60_000);
      abortedAt = Date.now();
      abort.abort();
      await expect(pending).rejects.toMatchObject({ name: 'DriverError', message: 'cancelled' });
      expect(Date.now() - abortedAt).toBeLessThan(5000);
      const pipLeft = (): boolean => new ProcFs().table().some((p) => {
        try {
          return readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').includes('mlwb-hanging-package');
        } catch {
          return false;
        }
      });
      await until(() => !pipLeft(), 5000);
    } finally {
      sockets.forEach((s) => s.destroy());
      silent.close();
    }
  });

  it('refuses apt packages', async () => {
    await expect(observed().ensureImage({ ...request('env_localpip3', []), packages: { apt: ['libgomp1'], pip: [] } }, () => undefined, new AbortController().signal)).rejects.toMatchObject({
      blame: 'user',
      message: expect.stringContaining('libgomp1'),
    });
  });
});
