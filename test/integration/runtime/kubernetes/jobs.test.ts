import type { KubeConfig } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSpec, RuntimeTarget, WorkspaceFile } from '../../../../backend/src/runtime/driver.js';
import { KubernetesDriver } from '../../../../backend/src/runtime/kubernetes/driver.js';
import { freePort } from '../../../fixtures/free-port.js';
import { runtimeTarget } from '../../../fixtures/kubernetes/builders.js';
import { FakeApiServer } from '../../../fixtures/kubernetes/fake-apiserver.js';

/**
 * Jobs and workspace files on the Kubernetes driver, over `pods/exec` with stdin: against the
 * contract fake, whose pods run the real job runner and `tar` on a folder of their own (see
 * test/fixtures/kubernetes/pod-processes.ts), or, with MLWB_K8S_E2E=1, against the cluster of the
 * default kubeconfig and a catalog image (see backend/src/runtime/kubernetes/README.md).
 */
const e2e = process.env.MLWB_K8S_E2E === '1';
const image = process.env.MLWB_K8S_E2E_IMAGE ?? 'mlwb/python-cpu:1.0.0';

let fake: FakeApiServer | undefined;
let kubeConfig: KubeConfig;
let driver: KubernetesDriver;
let t: RuntimeTarget;

const id = (prefix: string): string => `${prefix}_${randomBytes(9).toString('base64url').replace(/[-_]/g, 'x')}`;

/** A job's output as it streamed, and how it ended. */
async function runJob(spec: Partial<JobSpec> & { command: string[] }, signal = new AbortController().signal, onOutput?: (text: string) => void) {
  const out = { stdout: '', stderr: '' };
  const outcome = await driver.runJob(t.envId, { jobId: id('job'), cwd: null, env: {}, ...spec }, (stream, chunk) => {
    out[stream] += chunk.toString('utf8');
    onOutput?.(out.stdout);
  }, signal);
  return { ...out, outcome };
}

const file = (path: string, content: string, executable = false): WorkspaceFile => ({
  path,
  size: Buffer.byteLength(content),
  executable,
  open: async () => Readable.from([Buffer.from(content)]),
});

beforeAll(async () => {
  if (e2e) {
    const { KubeConfig: Config } = await import('@kubernetes/client-node');
    kubeConfig = new Config();
    kubeConfig.loadFromDefault();
  } else {
    fake = await FakeApiServer.start();
    kubeConfig = fake.kubeConfig();
  }
  driver = new KubernetesDriver({ kubeConfig, pollIntervalMs: e2e ? 1000 : 20, startTimeoutMs: e2e ? 300_000 : 10_000, workspaceSize: '1Gi' });
  const envId = id('env');
  t = runtimeTarget({
    envId,
    ownerId: process.env.MLWB_K8S_E2E_OWNER ?? 'usr_IntegrationTest1',
    name: 'k8s-jobs',
    imageRef: image,
    resources: { cpus: 0.5, memoryMiB: 512, gpus: 0 },
    jupyterToken: randomBytes(16).toString('hex'),
    jupyterBaseUrl: `/api/v1/environments/${envId}/jupyter/`,
  });
  await driver.start(t, AbortSignal.timeout(e2e ? 300_000 : 20_000));
});

afterAll(async () => {
  if (t) await driver.remove(t.envId, { purge: true });
  await driver?.close();
  await fake?.close();
});

describe('jobs on the Kubernetes driver', () => {
  it('streams stdout and stderr as they come, passes variables and the exit code', async () => {
    const { stdout, stderr, outcome } = await runJob({
      command: ['python3', '-c', 'import os, sys; print("to stdout", flush=True); print(os.environ["GREETING"], file=sys.stderr); sys.exit(3)'],
      env: { GREETING: 'hello from the job' },
    });
    expect(stdout).toBe('to stdout\n');
    expect(stderr).toBe('hello from the job\n');
    expect(outcome).toMatchObject({ exitCode: 3, cancelled: false, oomKilled: false });
  });

  it('cancel stops the whole process tree, a detached grandchild included', async () => {
    const controller = new AbortController();
    const code = 'import subprocess, time; p = subprocess.Popen(["python3", "-c", "import time; time.sleep(60)"], start_new_session=True); print(p.pid, flush=True); time.sleep(60)';
    let grandchild = 0;
    const { outcome } = await runJob({ command: ['python3', '-c', code] }, controller.signal, (stdout) => {
      if (!grandchild && stdout.includes('\n')) {
        grandchild = Number(stdout.trim());
        controller.abort();
      }
    });
    expect(outcome).toMatchObject({ cancelled: true });
    expect(grandchild).toBeGreaterThan(0);
    const alive = await driver.exec(t.envId, ['python3', '-c', `import os, sys; sys.exit(0 if os.path.exists("/proc/${grandchild}") else 1)`], 10_000);
    expect(alive.exitCode).toBe(1);
  });

  it('writes workspace files through tar in the pod, removes what a later sync drops, and a job runs on them', async () => {
    const first = await driver.writeWorkspace(t.envId, {
      name: 'proj',
      remove: [],
      write: [file('train.py', 'import helpers\nprint(helpers.GREETING)\n'), file('helpers.py', 'GREETING = "synced"\n'), file('bin/run.sh', '#!/bin/sh\necho ran\n', true), file('data/old.csv', 'a\n1\n')],
    });
    expect(first.root).toBe('/home/mlwb/work/proj');
    const ran = await runJob({ command: ['python3', 'train.py'], cwd: first.root });
    expect(ran).toMatchObject({ stdout: 'synced\n', outcome: { exitCode: 0 } });
    expect((await driver.exec(t.envId, ['ls', '-l', '/home/mlwb/work/proj/bin/run.sh'], 10_000)).stdout).toMatch(/^-rwxr-xr-x /);
    expect((await driver.exec(t.envId, ['ls', '-l', '/home/mlwb/work/proj/train.py'], 10_000)).stdout).toMatch(/^-rw-r--r-- /);

    await driver.writeWorkspace(t.envId, { name: 'proj', remove: ['data/old.csv'], write: [file('helpers.py', 'GREETING = "changed"\n')] });
    expect((await runJob({ command: ['python3', 'train.py'], cwd: 'proj' })).stdout).toBe('changed\n');
    expect((await driver.exec(t.envId, ['ls', '/home/mlwb/work/proj/data'], 10_000)).stdout).toBe('');
  });

  it("a port's address tells whether something listens there yet (the port-forward's local end accepts either way), then carries its bytes", async () => {
    const free = await freePort();
    const idle = await driver.portAddress(t.envId, free);
    expect(await idle?.listening?.()).toBe(false);

    const controller = new AbortController();
    const serve = 'import socket\ns = socket.socket()\ns.bind(("127.0.0.1", 0))\ns.listen()\nprint(s.getsockname()[1], flush=True)\nc, _ = s.accept()\nc.sendall(b"hello over the forward")\nc.close()\nimport time; time.sleep(60)';
    let announced: (port: number) => void = () => undefined;
    const port = new Promise<number>((resolve) => (announced = resolve));
    const job = runJob({ command: ['python3', '-c', serve] }, controller.signal, (stdout) => stdout.includes('\n') && announced(Number(stdout.trim())));
    const address = await driver.portAddress(t.envId, await port);
    expect(await address?.listening?.()).toBe(true);
    const received = await new Promise<string>((resolve, reject) => {
      let text = '';
      const socket = connect(address!.port, address!.host);
      socket.on('data', (data) => (text += data.toString('utf8')));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(received).toBe('hello over the forward');
    controller.abort();
    expect((await job).outcome.cancelled).toBe(true);
  });

  it('refuses jobs and files for an environment without a running pod, saying so', async () => {
    const other = id('env');
    await expect(driver.writeWorkspace(other, { name: 'x', remove: [], write: [file('a.txt', 'a')] })).rejects.toThrow(/not running/);
    await expect(driver.runJob(other, { jobId: id('job'), command: ['python3', '-V'], cwd: null, env: {} }, () => undefined, new AbortController().signal)).rejects.toThrow(/not running/);
  });
});
