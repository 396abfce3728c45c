import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, ApiError } from '../../../backend/src/client/index.js';
import { followJobLog } from '../../../backend/src/client/job-log.js';
import type { Environment, Job, JobLogLine } from '../../../backend/src/protocol/index.js';
import { startBackend, type BackendProcess } from '../../fixtures/backend-process.js';
import { waitForState } from '../../fixtures/environments.js';
import { startTcpProxy } from '../../fixtures/tcp-proxy.js';
import { RawEventsClient } from '../../fixtures/ws-client.js';
import { DAEMONIZING_JOB, runCli, startCli, stdoutOf, storedLog, waitForFile, waitForJob } from './helpers.js';

const numbers = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => String(from + i));
const consecutive = (lines: JobLogLine[]): boolean => lines.every((l, i) => i === 0 || l.seq === lines[i - 1]!.seq + 1);
const token = (): string => randomBytes(6).toString('hex');

/**
 * Jobs through the real backend on one driver: streaming, resuming, cancel, exit codes, OOM (where
 * limits are enforced), ownership, validation, the CLI and a backend restart.
 */
export function jobsSuite(driver: 'docker' | 'local', skip: string | undefined): void {
  describe.skipIf(!!skip)(`jobs on the ${driver} driver${skip ? ` (${skip})` : ''}`, () => {
    let backend: BackendProcess;
    let client: ApiClient;
    let env: Environment;
    const args = ['--driver', driver, '--capacity-cpus', '1'];

    beforeAll(async () => {
      backend = await startBackend({ args });
      client = new ApiClient({ url: backend.url, token: backend.token });
      const created = await client.call('createEnvironment', { body: { name: 'jobs', image: 'python-cpu', cpus: 0.5, memoryMiB: 256 } });
      env = await waitForState(client, created.id, ['running', 'failed']);
      expect(env.state).toBe('running');
    });
    afterAll(async () => {
      for (const e of (await client.call('listEnvironments')).items) await client.call('deleteEnvironment', { params: { id: e.id }, query: { purge: 'true' } });
      await client.close();
      await backend.stop();
    });

    const touch = async (file: string): Promise<void> => {
      expect((await client.call('execEnvironment', { params: { id: env.id }, body: { command: ['touch', file] } })).exitCode).toBe(0);
    };
    const alive = async (pid: number): Promise<boolean> => {
      const probe = await client.call('execEnvironment', { params: { id: env.id }, body: { command: ['python3', '-c', `import os, sys; sys.exit(0 if os.path.exists('/proc/${pid}') else 1)`] } });
      return probe.exitCode === 0;
    };
    const python = (code: string, body: { cwd?: string } = {}): Promise<Job> => client.call('createJob', { body: { envId: env.id, command: ['python3', '-c', code], ...body } });

    let tenThousand: { job: Job; lines: JobLogLine[] };

    it('streams 10,000 lines in order over the events socket, and the stored log equals the streamed one', async () => {
      const go = `go-${token()}`;
      const job = await python(`${waitForFile(go)}for i in range(10000): print(i)`);
      expect(job).toMatchObject({ envId: env.id, state: expect.stringMatching(/queued|running/), command: ['python3', '-c', expect.any(String)] });
      const socket = RawEventsClient.connect(backend.url, backend.token, { topics: `logs:${job.id},jobs` });
      await socket.next('hello');
      await touch(go);
      const ended = await socket.next('event', (m) => m.event.topic === 'jobs' && (m.event.payload as { data?: Job }).data?.id === job.id && (m.event.payload as { data: Job }).data.state !== 'running');
      expect((ended.event.payload as { data: Job }).data).toMatchObject({ state: 'succeeded', exitCode: 0, reason: null });
      await socket.close();

      const streamed = socket.events().flatMap((e) => (e.topic === `logs:${job.id}` && e.payload.kind === 'log' ? [{ seq: e.payload.seq!, stream: e.payload.stream, text: e.payload.line }] : []));
      expect(consecutive(streamed as JobLogLine[])).toBe(true);
      expect(stdoutOf(streamed as JobLogLine[])).toEqual(numbers(0, 10000));
      const stored = await storedLog(client, job.id);
      expect(stored.complete).toBe(true);
      expect(stored.lines.map(({ seq, stream, text }) => ({ seq, stream, text })).slice(streamed[0]!.seq - 1)).toEqual(streamed);
      expect(stored.lines.map((l) => l.seq)).toEqual(Array.from({ length: stored.lines.length }, (_, i) => i + 1));
      const final = await client.call('getJob', { params: { id: job.id } });
      expect(final).toMatchObject({ state: 'succeeded', exitCode: 0, logLines: stored.lines.length });
      expect(final.startedAt && final.endedAt && final.endedAt >= final.startedAt).toBe(true);
      expect(final.peakMemoryMiB).toBeGreaterThan(0);
      tenThousand = { job: final, lines: stored.lines };
    });

    it('a client whose connection drops mid-stream resumes by seq: nothing lost, nothing twice', async () => {
      const [first, second] = [`first-${token()}`, `second-${token()}`];
      const job = await python(`${waitForFile(first)}for i in range(5000): print(i)\n${waitForFile(second)}for i in range(5000, 10000): print(i)`);
      const proxy = await startTcpProxy(backend.url);
      const viaProxy = new ApiClient({ url: proxy.url, token: backend.token });
      const delivered: JobLogLine[] = [];
      let cut!: () => void;
      const halfway = new Promise<void>((resolve) => (cut = resolve));
      const follower = followJobLog(viaProxy, job.id, (line) => {
        delivered.push(line);
        if (line.text === '4999') cut();
      }, { follow: true });
      try {
        await touch(first);
        await halfway;
        proxy.cutAll();
        await touch(second); // the second half is printed while this client is disconnected
        const ended = await follower.done;
        expect(ended).toMatchObject({ id: job.id, state: 'succeeded' });
      } finally {
        follower.close();
        await viaProxy.close();
        await proxy.close();
      }
      expect(delivered.map((l) => l.seq)).toEqual(Array.from({ length: delivered.length }, (_, i) => i + 1));
      expect(stdoutOf(delivered)).toEqual(numbers(0, 10000));
      // a live line's `at` is its event's time, a stored line's the moment it was written: compare the rest
      const plain = (lines: JobLogLine[]) => lines.map(({ seq, stream, text }) => ({ seq, stream, text }));
      expect(plain(delivered)).toEqual(plain((await storedLog(client, job.id)).lines));
    });

    it('cancel stops the whole process tree, a detached grandchild included, and is idempotent', async () => {
      const job = await python(DAEMONIZING_JOB);
      const pid = await new Promise<number>((resolve) => {
        const follower = followJobLog(client, job.id, (line) => {
          const match = /^grandchild (\d+)$/.exec(line.text);
          if (match) resolve(Number(match[1]));
        }, { follow: true });
        void follower.done.catch(() => undefined);
      });
      expect(await alive(pid)).toBe(true);
      const cancelled = await client.call('cancelJob', { params: { id: job.id } });
      expect(cancelled).toMatchObject({ state: 'cancelled', reason: 'cancelled by user' });
      expect(await alive(pid)).toBe(false);
      expect(await client.call('cancelJob', { params: { id: job.id } })).toEqual(cancelled);
      const [audited] = (await client.call('listAudit', { query: { action: 'job.cancel', limit: 1 } })).items;
      expect(audited).toMatchObject({ target: job.id, result: 'ok' });
    });

    it('exit codes propagate: 0 succeeds, anything else fails with its code', async () => {
      const ok = await waitForJob(client, (await python('print("fine")')).id);
      expect(ok).toMatchObject({ state: 'succeeded', exitCode: 0, reason: null });
      const bad = await waitForJob(client, (await python('import sys; sys.exit(3)')).id);
      expect(bad).toMatchObject({ state: 'failed', exitCode: 3, reason: 'exit code 3' });
      const missing = await waitForJob(client, (await client.call('createJob', { body: { envId: env.id, command: ['no-such-program-here'] } })).id);
      expect(missing).toMatchObject({ state: 'failed', exitCode: 127 });
      expect((await storedLog(client, missing.id)).lines.some((l) => l.stream === 'stderr' && /no-such-program-here/.test(l.text))).toBe(true);
    });

    it('a job that exceeds the memory limit fails with "out of memory (limit 256 MiB)" (where limits are enforced)', async (ctx) => {
      // the local driver enforces limits only where the host lets it create cgroups
      if (!env.limitsEnforced) ctx.skip();
      const job = await waitForJob(client, (await python('x = bytearray(700 * 1024 * 1024); print(len(x))')).id);
      expect(job).toMatchObject({ state: 'failed', reason: 'out of memory (limit 256 MiB)', exitCode: 137 });
      expect((await storedLog(client, job.id)).lines.at(-1)).toMatchObject({ stream: 'system', text: 'failed: out of memory (limit 256 MiB) (exit code 137)' });
    });

    it('refuses bad bodies naming the field, a stopped environment with 409, and other users’ environments and jobs with 404', async () => {
      const refused = async (body: unknown): Promise<ApiError> => {
        const err = await client.call('createJob', { body: body as never }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ApiError);
        return err as ApiError;
      };
      const empty = await refused({ envId: env.id, command: [] });
      expect([empty.status, empty.issues.map((i) => i.path)]).toEqual([400, ['body.command']]);
      expect((await refused({ envId: env.id, command: ['x'], shell: true })).issues.map((i) => i.path)).toEqual(['body.shell']);
      expect((await refused({ envId: 'not-an-id', command: ['x'] })).issues.map((i) => i.path)).toEqual(['body.envId']);
      expect((await refused({ envId: env.id, command: ['x'], cwd: 'a\0b' })).issues.map((i) => i.path)).toEqual(['body.cwd']);
      const bigLimit = await client.call('jobLog', { params: { id: tenThousand.job.id }, query: { limit: 5001 } }).catch((e: ApiError) => e);
      expect((bigLimit as ApiError).issues.map((i) => i.path)).toEqual(['query.limit']);

      const stopped = await client.call('createEnvironment', { body: { name: 'stopped', image: 'python-cpu', cpus: 0.1, memoryMiB: 256, start: false } });
      const conflict = await refused({ envId: stopped.id, command: ['true'] });
      expect([conflict.status, conflict.message]).toEqual([409, 'environment "stopped" is stopped, not running; start it first']);

      const bob = await client.call('createUser', { body: { name: `bob${token()}` } });
      const bobClient = new ApiClient({ url: backend.url, token: (await client.call('createToken', { body: { name: 'bob', userId: bob.id } })).token });
      try {
        const notFound = (p: Promise<unknown>) => p.then(() => 0, (e: ApiError) => e.status);
        expect(await notFound(bobClient.call('createJob', { body: { envId: env.id, command: ['true'] } }))).toBe(404);
        expect(await notFound(bobClient.call('getJob', { params: { id: tenThousand.job.id } }))).toBe(404);
        expect(await notFound(bobClient.call('jobLog', { params: { id: tenThousand.job.id } }))).toBe(404);
        expect(await notFound(bobClient.call('cancelJob', { params: { id: tenThousand.job.id } }))).toBe(404);
        expect((await bobClient.call('listJobs')).items).toEqual([]);
      } finally {
        await bobClient.close();
      }
    });

    it('mlwb run exits with the job’s exit code and prints its output; jobs, logs and cancel answer with --json', async () => {
      const conn = { url: backend.url, token: backend.token };
      const run = await runCli(['run', '--env', 'jobs', '--', 'python3', '-c', 'import sys; print("from the job"); print("on stderr", file=sys.stderr); sys.exit(5)'], conn);
      expect([run.code, run.stderr]).toEqual([5, expect.any(String)]);
      expect(run.stdout).toBe('from the job\n');
      expect(run.stderr).toContain('on stderr\n');
      expect(run.stderr).toContain('[mlwb] failed: exit code 5');

      const detached = await runCli(['run', '--env', env.id, '--detach', '--json', '--', 'python3', '-c', 'print(42)'], conn);
      const job = JSON.parse(detached.stdout) as Job;
      await waitForJob(client, job.id);
      const logs = await runCli(['logs', job.id], conn);
      expect([logs.code, logs.stdout]).toEqual([0, '42\n']);
      const listed = await runCli(['jobs', '--env', 'jobs', '--json'], conn);
      expect((JSON.parse(listed.stdout) as Job[]).map((j) => j.id)).toContain(job.id);
      const cancel = await runCli(['cancel', job.id, '--json'], conn);
      expect(JSON.parse(cancel.stdout)).toMatchObject({ id: job.id, state: 'succeeded' });
    });

    it('Ctrl-C on mlwb run cancels the job and exits 130', async () => {
      const cli = startCli(['run', '--env', 'jobs', '--', 'python3', '-c', 'import time; print("up", flush=True); time.sleep(600)'], { url: backend.url, token: backend.token });
      await cli.printed(/^up$/m);
      cli.child.kill('SIGINT');
      const { code, stderr } = await cli.result;
      expect([code, stderr]).toEqual([130, expect.stringContaining('[mlwb] cancelled: cancelled by user')]);
      const [latest] = (await client.call('listJobs', { query: { envId: env.id, limit: 1 } })).items;
      expect(latest).toMatchObject({ state: 'cancelled', command: ['python3', '-c', expect.stringContaining('time.sleep(600)')] });
    });

    it('after a backend restart, a finished job’s log reads the same and a job left running has failed "backend restarted"', async () => {
      const running = await python(DAEMONIZING_JOB);
      const pid = await new Promise<number>((resolve) => {
        const follower = followJobLog(client, running.id, (line) => {
          const match = /^grandchild (\d+)$/.exec(line.text);
          if (match) resolve(Number(match[1]));
        }, { follow: true });
        void follower.done.catch(() => undefined);
      });
      await backend.stop();
      backend = await startBackend({ dataDir: backend.dataDir, adminToken: backend.token, args });
      await client.close();
      client = new ApiClient({ url: backend.url, token: backend.token });

      const again = await storedLog(client, tenThousand.job.id);
      expect(again).toEqual({ lines: tenThousand.lines, complete: true });
      expect(await client.call('getJob', { params: { id: tenThousand.job.id } })).toEqual(tenThousand.job);
      const lost = await client.call('getJob', { params: { id: running.id } });
      expect(lost).toMatchObject({ state: 'failed', reason: 'backend restarted' });
      expect((await storedLog(client, running.id)).lines.at(-1)).toMatchObject({ stream: 'system', text: 'failed: backend restarted' });
      expect((await client.call('getEnvironment', { params: { id: env.id } })).state).toBe('running');
      expect(await alive(pid)).toBe(false);
    });

    it('a job whose environment stops under it fails with "environment stopped"', async () => {
      const job = await python('import time; print("up", flush=True); time.sleep(600)');
      await new Promise<void>((resolve) => {
        const follower = followJobLog(client, job.id, (line) => line.text === 'up' && resolve(), { follow: true });
        void follower.done.catch(() => undefined);
      });
      await client.call('stopEnvironment', { params: { id: env.id } });
      expect(await waitForJob(client, job.id)).toMatchObject({ state: 'failed', reason: 'environment stopped' });
    });
  });
}
