import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../../backend/src/client/index.js';
import { followJobLog } from '../../../backend/src/client/job-log.js';
import { syncWorkspace } from '../../../backend/src/client/workspace-sync.js';
import type { Environment } from '../../../backend/src/protocol/index.js';
import { startBackend, type BackendProcess } from '../../fixtures/backend-process.js';
import { waitForState } from '../../fixtures/environments.js';
import { FakeApiServer } from '../../fixtures/kubernetes/fake-apiserver.js';
import { storedLog, waitForJob } from './helpers.js';

/**
 * What `mlwb run` does, through the real backend on the Kubernetes driver: the backend's cluster is
 * the contract fake (a kubeconfig file, as a user's would be), whose pods run the real job runner
 * and `tar` (see test/fixtures/kubernetes/pod-processes.ts). The driver's own suite is in
 * test/integration/runtime/kubernetes/.
 */
describe('jobs and workspace sync through the backend on the Kubernetes driver', () => {
  let fake: FakeApiServer;
  let backend: BackendProcess;
  let client: ApiClient;
  let env: Environment;
  const work = mkdtempSync(join(tmpdir(), 'mlwb-k8s-jobs-'));

  beforeAll(async () => {
    fake = await FakeApiServer.start();
    const kubeconfig = join(work, 'kubeconfig.json');
    writeFileSync(kubeconfig, fake.kubeConfig().exportConfig());
    backend = await startBackend({ args: ['--driver', 'kubernetes'], env: { KUBECONFIG: kubeconfig } });
    client = new ApiClient({ url: backend.url, token: backend.token });
    const created = await client.call('createEnvironment', { body: { name: 'k8s-jobs', image: 'python-cpu', cpus: 0.5, memoryMiB: 512 } });
    env = await waitForState(client, created.id, ['running', 'failed']);
    expect(env).toMatchObject({ state: 'running' });
  });
  afterAll(async () => {
    for (const e of (await client?.call('listEnvironments'))?.items ?? []) await client.call('deleteEnvironment', { params: { id: e.id }, query: { purge: 'true' } });
    await client?.close();
    await backend?.stop();
    await fake?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('syncs a workspace into the pod and runs a script there as a job whose log and exit code come back', async () => {
    const project = join(work, 'project');
    mkdirSync(join(project, 'src'), { recursive: true });
    writeFileSync(join(project, 'src', 'train.py'), 'import sys\nfrom helpers import greet\nprint(greet())\nprint("to stderr", file=sys.stderr)\nsys.exit(4)\n');
    writeFileSync(join(project, 'src', 'helpers.py'), 'def greet():\n    return "trained in the pod"\n');
    writeFileSync(join(project, '.gitignore'), 'data/\n');
    mkdirSync(join(project, 'data'));
    writeFileSync(join(project, 'data', 'big.bin'), 'not sent');

    const synced = await syncWorkspace(client, env.id, project);
    expect(synced).toMatchObject({ root: '/home/mlwb/work/project', files: 3, written: 3 });
    const again = await syncWorkspace(client, env.id, project);
    expect(again).toMatchObject({ uploaded: 0, written: 0, unchanged: 3 });

    const job = await client.call('createJob', { body: { envId: env.id, command: ['python3', 'src/train.py'], cwd: synced.root, workspaceRoot: synced.root } });
    const ended = await waitForJob(client, job.id);
    expect(ended).toMatchObject({ state: 'failed', exitCode: 4 });
    const { lines } = await storedLog(client, job.id);
    expect(lines.filter((l) => l.stream !== 'system').map((l) => [l.stream, l.text])).toEqual([
      ['stdout', 'trained in the pod'],
      ['stderr', 'to stderr'],
    ]);
  });

  it('cancels a running job in the pod', async () => {
    const job = await client.call('createJob', { body: { envId: env.id, command: ['python3', '-c', 'import time\nprint("started", flush=True)\ntime.sleep(120)'] } });
    let started: () => void = () => undefined;
    const printed = new Promise<void>((resolve) => (started = resolve));
    const follower = followJobLog(client, job.id, (line) => line.text === 'started' && started(), { follow: true });
    await printed;
    await client.call('cancelJob', { params: { id: job.id } });
    expect(await follower.done).toMatchObject({ state: 'cancelled' });
  });
});
