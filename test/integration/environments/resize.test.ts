import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, ApiError } from '../../../backend/src/client/index.js';
import type { Environment } from '../../../backend/src/protocol/index.js';
import { CLI, startBackend, type BackendProcess } from '../../fixtures/backend-process.js';
import { tiny, waitForState } from '../../fixtures/environments.js';
import { skip } from '../runtime/local/jupyter-python.js';

/**
 * Changing an environment's resources through the real backend: the scheduler's rules at creation
 * apply, and the queue is re-evaluated. Local driver (processes start in seconds), capacity 1 CPU.
 */
describe.skipIf(!!skip)(`resizing environments${skip ? ` (${skip})` : ''}`, () => {
  let backend: BackendProcess;
  let client: ApiClient;

  beforeAll(async () => {
    backend = await startBackend({ args: ['--driver', 'local', '--capacity-cpus', '1', '--capacity-gpus', '0'] });
    client = new ApiClient({ url: backend.url, token: backend.token });
  });
  afterAll(async () => {
    for (const env of (await client.call('listEnvironments')).items) await client.call('deleteEnvironment', { params: { id: env.id }, query: { purge: 'true' } });
    await client.close();
    await backend.stop();
  });

  const create = (name: string, cpus: number, start = true): Promise<Environment> => client.call('createEnvironment', { body: { name, image: 'python-cpu', ...tiny, cpus, start } });
  const resize = (id: string, body: { cpus?: number; memoryMiB?: number; gpus?: number }, as = client): Promise<Environment> => as.call('resizeEnvironment', { params: { id }, body });
  const refusal = (p: Promise<unknown>): Promise<ApiError> => p.then(() => expect.fail('expected a refusal'), (e: unknown) => e as ApiError);
  const get = (id: string): Promise<Environment> => client.call('getEnvironment', { params: { id } });

  /** `mlwb` with the backend's URL and token in its environment. */
  const mlwb = (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const env = { ...process.env, MLWB_URL: backend.url, MLWB_TOKEN: backend.token, MLWB_CONFIG_DIR: backend.dataDir };
      const child = execFile(process.execPath, [CLI, ...args], { env }, (_err, stdout, stderr) => resolve({ code: child.exitCode ?? 1, stdout, stderr }));
    });

  it('changes a stopped environment for its next start, and audits it', async () => {
    const env = await create('stays-stopped', 0.1, false);
    const resized = await resize(env.id, { memoryMiB: 512 });
    expect(resized).toMatchObject({ state: 'stopped', resources: { cpus: 0.1, memoryMiB: 512, gpus: 0 } });
    expect((await get(env.id)).resources).toEqual({ cpus: 0.1, memoryMiB: 512, gpus: 0 });
    const { items } = await client.call('listAudit', { query: { action: 'environment.resize' } });
    expect(items.map((e) => [e.target, e.result])).toContainEqual([env.id, 'ok']);
  });

  it('refuses bad figures by field, and what could never fit by resource', async () => {
    const env = await create('validated', 0.1, false);
    expect(await refusal(resize(env.id, {}))).toMatchObject({ status: 400, issues: [{ path: 'body' }] });
    expect((await refusal(resize(env.id, { memoryMiB: 64 }))).issues.map((i) => i.path)).toEqual(['body.memoryMiB']);
    expect((await refusal(client.call('resizeEnvironment', { params: { id: env.id }, body: { cpus: 1, disk: 5 } as never }))).issues.map((i) => i.path)).toEqual(['body.disk']);

    const tooBig = await refusal(resize(env.id, { cpus: 2, gpus: 1 }));
    expect(tooBig.status).toBe(422);
    expect(tooBig.issues.map((i) => i.path)).toEqual(['body.cpus', 'body.gpus']);
    expect((await get(env.id)).resources.cpus).toBe(0.1); // unchanged

    const bob = await client.call('createUser', { body: { name: 'bob' } });
    const bobClient = new ApiClient({ url: backend.url, token: (await client.call('createToken', { body: { name: 'bob', userId: bob.id } })).token });
    expect((await refusal(resize(env.id, { cpus: 0.2 }, bobClient))).status).toBe(404);
    await bobClient.close();
  });

  it('refuses a running environment, naming its state', async () => {
    const env = await create('runs', 0.5);
    await waitForState(client, env.id, ['running']);
    const err = await refusal(resize(env.id, { cpus: 0.2 }));
    expect(err.status).toBe(409);
    expect(err.message).toContain('running');
  });

  it('re-evaluates the queue: a queued environment made smaller starts now, one made bigger waits and starts with its new size', async () => {
    // "runs" holds 0.5 of the 1 CPU
    const big = await create('big', 0.8);
    expect(big.state).toBe('queued');
    await resize(big.id, { cpus: 0.5 });
    expect((await waitForState(client, big.id, ['running'])).resources.cpus).toBe(0.5);

    const later = await create('later', 0.1);
    expect(later.state).toBe('queued'); // the host is full
    const grown = await resize(later.id, { cpus: 0.3 });
    expect(grown).toMatchObject({ state: 'queued', queuePosition: 1, resources: { cpus: 0.3 } });

    await client.call('stopEnvironment', { params: { id: big.id } });
    const started = await waitForState(client, later.id, ['running']);
    expect(started.resources.cpus).toBe(0.3);
    expect((await client.call('capacity')).used.cpus).toBeCloseTo(0.8); // "runs" 0.5 + "later" 0.3
  });

  it('mlwb env resize parses memory sizes and reports the change', async () => {
    await create('by-cli', 0.1, false);
    const done = await mlwb('env', 'resize', 'by-cli', '--memory', '1GiB', '--cpus', '0.2');
    expect(done).toMatchObject({ code: 0, stdout: 'by-cli: 0.2 CPUs, 1024 MiB, 0 GPUs from its next start\n' });

    const bad = await mlwb('env', 'resize', 'by-cli', '--memory', '4 bananas');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--memory takes a size like 4GiB');

    const nothing = await mlwb('env', 'resize', 'by-cli');
    expect(nothing.code).not.toBe(0);
    expect(nothing.stderr).toContain('at least one of --cpus, --memory, --gpus');
  });
});
