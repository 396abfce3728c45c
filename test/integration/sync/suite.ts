import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobUploader } from '../../../backend/src/client/blob-upload.js';
import { ApiClient, ApiError } from '../../../backend/src/client/index.js';
import { syncWorkspace, type SyncProgress } from '../../../backend/src/client/workspace-sync.js';
import { CLI, startBackend, type BackendProcess } from '../../fixtures/backend-process.js';
import { tiny, waitForState } from '../../fixtures/environments.js';

const FILES: Record<string, string> = {
  '.gitignore': '*.log\n/data/\n__pycache__/\n',
  'train.py': 'print("training")\n',
  'README.md': '# sample\n',
  'src/model.py': 'class Net: pass\n',
  'src/__init__.py': '', // an empty upload
  'src/.gitignore': 'secrets.txt\n!keep.log\n',
  'src/keep.log': 'kept by a nested rule\n',
  'src/secrets.txt': 'never leaves the machine\n',
  'src/copy.py': 'class Net: pass\n', // same content as src/model.py: sent once
  'run.sh': '#!/bin/sh\necho ran\n',
  'debug.log': 'ignored\n',
  'data/big.csv': 'a,b\n1,2\n',
  '__pycache__/x.pyc': 'ignored',
};
const SENT = ['.gitignore', 'README.md', 'run.sh', 'src/.gitignore', 'src/__init__.py', 'src/copy.py', 'src/keep.log', 'src/model.py', 'train.py'];
const NOT_SENT = ['debug.log', 'data/big.csv', '__pycache__/x.pyc', 'src/secrets.txt', '.git/HEAD'];

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

/** A real git working tree with nested .gitignore files. */
function gitFolder(): string {
  const root = join(mkdtempSync(join(tmpdir(), 'mlwb-sync-')), 'Sample Project');
  for (const [path, content] of Object.entries(FILES)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  chmodSync(join(root, 'run.sh'), 0o755);
  const git = spawnSync('git', ['init', '-q', root], { encoding: 'utf8' });
  if (git.status !== 0) throw new Error(`git init failed: ${git.stderr}`);
  return root;
}

/** The real CLI, run in `cwd` (no saved login: a fresh HOME). */
function mlwb(cwd: string, args: string[], backend: BackendProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, MLWB_URL: backend.url, MLWB_TOKEN: backend.token, HOME: mkdtempSync(join(tmpdir(), 'mlwb-cli-home-')) };
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Workspace sync through the real backend on one driver: the same checks on Docker and locally. */
export function describeSync(driver: 'docker' | 'local', skip: string | undefined): void {
  describe.skipIf(!!skip)(`workspace sync on the ${driver} driver${skip ? ` (${skip})` : ''}`, () => {
    let backend: BackendProcess;
    let client: ApiClient;
    let envId: string;
    let folder: string;
    let root: string;

    beforeAll(async () => {
      backend = await startBackend({ args: ['--driver', driver] });
      client = new ApiClient({ url: backend.url, token: backend.token });
      const created = await client.call('createEnvironment', { body: { name: 'sync', image: 'python-cpu', ...tiny, memoryMiB: 512 } });
      envId = (await waitForState(client, created.id, ['running'])).id;
      folder = gitFolder();
    });
    afterAll(async () => {
      for (const env of (await client.call('listEnvironments')).items) await client.call('deleteEnvironment', { params: { id: env.id }, query: { purge: 'true' } });
      await client.close();
      await backend.stop();
    });

    const exec = async (...command: string[]) => client.call('execEnvironment', { params: { id: envId }, body: { command } });
    /** sha256 of each path inside the environment's workspace, by path. */
    const remoteSums = async (paths: string[]): Promise<Record<string, string>> => {
      const result = await exec('sha256sum', '--', ...paths.map((p) => `${root}/${p}`));
      expect(result.exitCode, result.stderr).toBe(0);
      return Object.fromEntries(result.stdout.trim().split('\n').map((l) => [l.slice(66).slice(root.length + 1), l.slice(0, 64)]));
    };
    const exists = async (path: string): Promise<boolean> => (await exec('test', '-e', `${root}/${path}`)).exitCode === 0;
    const inode = async (path: string): Promise<string> => (await exec('stat', '-c', '%i', `${root}/${path}`)).stdout.trim();

    it('first sync sends every file git would keep, once per content, and they arrive intact', async () => {
      const phases = new Set<SyncProgress['phase']>();
      const result = await syncWorkspace(client, envId, folder, { onProgress: (p) => phases.add(p.phase) });
      root = result.root;
      expect(root).toMatch(/sample-project$/);
      expect(result).toMatchObject({ files: SENT.length, uploaded: SENT.length - 1, written: SENT.length, unchanged: 0, removed: 0 });
      expect(result.bytes).toBe(SENT.filter((p) => p !== 'src/copy.py').reduce((n, p) => n + Buffer.byteLength(FILES[p]!), 0));
      expect([...phases]).toEqual(['scanning', 'hashing', 'uploading', 'applying']);
      expect(await remoteSums(SENT)).toEqual(Object.fromEntries(SENT.map((p) => [p, sha256(FILES[p]!)])));
      for (const path of NOT_SENT) expect(await exists(path), path).toBe(false);
      expect((await exec(`${root}/run.sh`)).stdout).toBe('ran\n');
    });

    it('a second sync after one change sends only that content and rewrites only that file', async () => {
      const before = await inode('README.md');
      writeFileSync(join(folder, 'train.py'), 'print("training, v2")\n');
      const result = await syncWorkspace(client, envId, folder);
      expect(result).toMatchObject({ uploaded: 1, bytes: Buffer.byteLength('print("training, v2")\n'), written: 1, unchanged: SENT.length - 1, removed: 0 });
      expect(await remoteSums(['train.py'])).toEqual({ 'train.py': sha256('print("training, v2")\n') });
      expect(await inode('README.md')).toBe(before);
    });

    it('removes a file deleted locally when delete is on, and keeps it when off', async () => {
      rmSync(join(folder, 'README.md'));
      expect(await syncWorkspace(client, envId, folder, { delete: false })).toMatchObject({ uploaded: 0, written: 0, removed: 0 });
      expect(await exists('README.md')).toBe(true);
      expect(await syncWorkspace(client, envId, folder)).toMatchObject({ uploaded: 0, written: 0, removed: 1 });
      expect(await exists('README.md')).toBe(false);
    });

    it('refuses content that does not hash to its md5 (422) and stores nothing', async () => {
      const claimed = md5('what the client claims');
      const uploader = blobUploader(client);
      const err = await uploader.upload(claimed, Readable.from([Buffer.from('something else')]), 14).catch((e: unknown) => e);
      await uploader.close();
      expect(err).toBeInstanceOf(ApiError);
      expect(err).toMatchObject({ status: 422, code: 'hash_mismatch' });
      const plan = await client.call('syncPlan', { params: { id: envId }, body: { files: [{ path: 'x', md5: claimed, size: 22 }] } });
      expect(plan.missing).toEqual([claimed]);
    });

    it('refuses path traversal in plan and apply with 400 naming the field', async () => {
      const bad = { path: '../../etc/passwd', md5: md5(''), size: 0 };
      for (const call of [
        () => client.call('syncPlan', { params: { id: envId }, body: { files: [bad] } }),
        () => client.call('syncApply', { params: { id: envId }, body: { name: 'x', files: [{ ...bad, path: 'ok' }, bad] } }),
      ]) {
        const err = await call().catch((e: unknown) => e);
        expect(err).toMatchObject({ status: 400, code: 'validation_failed' });
        expect((err as ApiError).message).toMatch(/body\.files\.\d\.path: climbs out with '\.\.'/);
      }
      const name = await client.call('syncApply', { params: { id: envId }, body: { name: '../x', files: [] } }).catch((e: unknown) => e);
      expect(name).toMatchObject({ status: 400, code: 'validation_failed' });
      expect((name as ApiError).issues[0]?.path).toBe('body.name');
    });

    it("answers 404 for another user's environment", async () => {
      const bob = await client.call('createUser', { body: { name: 'bob' } });
      const bobClient = new ApiClient({ url: backend.url, token: (await client.call('createToken', { body: { name: 'bob', userId: bob.id } })).token });
      try {
        for (const call of [
          () => bobClient.call('syncPlan', { params: { id: envId }, body: { files: [] } }),
          () => bobClient.call('syncApply', { params: { id: envId }, body: { name: 'x', files: [] } }),
        ]) {
          expect(await call().catch((e: unknown) => e)).toMatchObject({ status: 404, code: 'not_found' });
        }
      } finally {
        await bobClient.close();
      }
    });

    it('refuses to apply files whose contents were never uploaded (409 listing them), and a body that is not raw bytes (415)', async () => {
      const never = md5('never uploaded');
      const err = await client.call('syncApply', { params: { id: envId }, body: { name: 'other', files: [{ path: 'x.py', md5: never, size: 14 }] } }).catch((e: unknown) => e);
      expect(err).toMatchObject({ status: 409, code: 'conflict', details: { missing: [never] } });
      const json = await fetch(`${backend.url}/api/v1/sync/blobs/${never}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${backend.token}`, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(json.status).toBe(415);
    });

    it('mlwb run syncs the current directory and runs the job in it; --no-sync leaves the environment as it is', async () => {
      writeFileSync(join(folder, 'job.txt'), 'written locally\n');
      const run = await mlwb(folder, ['run', '--env', 'sync', '--', 'cat', 'job.txt'], backend);
      expect(run, `${run.stderr}`).toMatchObject({ code: 0, stdout: 'written locally\n' });
      expect(run.stderr).toMatch(/\[mlwb\] synced \d+ files to .*sample-project: 1 sent/);
      writeFileSync(join(folder, 'job.txt'), 'changed locally\n');
      const unsynced = await mlwb(folder, ['run', '--no-sync', '--env', 'sync', '--cwd', root, '--', 'cat', 'job.txt'], backend);
      expect(unsynced).toMatchObject({ code: 0, stdout: 'written locally\n' });
    });

    it('refuses to apply to an environment that is not running (409 naming its state)', async () => {
      await client.call('stopEnvironment', { params: { id: envId } });
      const err = await client.call('syncApply', { params: { id: envId }, body: { name: 'x', files: [] } }).catch((e: unknown) => e);
      expect(err).toMatchObject({ status: 409, code: 'conflict', message: 'the environment is stopped, not running' });
    });

    it('drops cached contents that no workspace holds when the backend restarts', async () => {
      const orphan = 'uploaded, never applied';
      const uploader = blobUploader(client);
      await uploader.upload(md5(orphan), Readable.from([Buffer.from(orphan)]), Buffer.byteLength(orphan));
      await uploader.close();
      const files = [{ path: 'o', md5: md5(orphan), size: 0 }, { path: 'train.py', md5: md5('print("training, v2")\n'), size: 0 }];
      expect((await client.call('syncPlan', { params: { id: envId }, body: { files } })).missing).toEqual([]);
      await backend.stop();
      backend = await startBackend({ dataDir: backend.dataDir, adminToken: backend.token, args: ['--driver', driver] });
      await client.close();
      client = new ApiClient({ url: backend.url, token: backend.token });
      expect((await client.call('syncPlan', { params: { id: envId }, body: { files } })).missing).toEqual([md5(orphan)]);
    });
  });
}
