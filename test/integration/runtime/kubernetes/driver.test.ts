import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DriverError, type RuntimeTarget } from '../../../../backend/src/runtime/driver.js';
import { KubernetesDriver } from '../../../../backend/src/runtime/kubernetes/driver.js';
import { resourceNames } from '../../../../backend/src/runtime/kubernetes/names.js';
import { runtimeTarget } from '../../../fixtures/kubernetes/builders.js';
import { FakeApiServer } from '../../../fixtures/kubernetes/fake-apiserver.js';
import { MISSING_REGISTRY } from '../../../fixtures/kubernetes/fake-kubelet.js';

/**
 * The Kubernetes driver against the contract fake of the API server, or, with MLWB_K8S_E2E=1,
 * against the cluster of the default kubeconfig (see backend/src/runtime/kubernetes/README.md).
 * Assertions that need the fake's controls (an OOM kill on demand, injected log lines, the
 * recorded requests) run against the fake only.
 */
const e2e = process.env.MLWB_K8S_E2E === '1';
const fakeOnly = it.skipIf(e2e);
const image = process.env.MLWB_K8S_E2E_IMAGE ?? 'mlwb/python-cpu:1.0.0';

let fake: FakeApiServer | undefined;
let kubeConfig: KubeConfig;
let core: CoreV1Api;
let driver: KubernetesDriver;
const started = new Set<string>();

const id = (prefix: string): string => `${prefix}_${randomBytes(9).toString('base64url').replace(/[-_]/g, 'x')}`;
const signal = (): AbortSignal => AbortSignal.timeout(e2e ? 300_000 : 20_000);

function target(overrides: Partial<RuntimeTarget> = {}): RuntimeTarget {
  const envId = overrides.envId ?? id('env');
  started.add(envId);
  return runtimeTarget({
    envId,
    ownerId: process.env.MLWB_K8S_E2E_OWNER ?? 'usr_IntegrationTest1',
    name: 'k8s-test',
    imageRef: image,
    resources: { cpus: 0.5, memoryMiB: 512, gpus: 0 },
    jupyterToken: randomBytes(16).toString('hex'),
    jupyterBaseUrl: `/api/v1/environments/${envId}/jupyter/`,
    ...overrides,
  });
}

const names = (t: RuntimeTarget) => resourceNames(t.envId, t.name, t.ownerId);
const claimsOf = async (envId: string) => (await core.listPersistentVolumeClaimForAllNamespaces({ labelSelector: `mlwb.env=${envId}` })).items;
const podsOf = async (envId: string) => (await core.listPodForAllNamespaces({ labelSelector: `mlwb.env=${envId}` })).items;

async function jupyterAnswers(origin: string, t: RuntimeTarget, token = t.jupyterToken): Promise<number> {
  const res = await fetch(`${origin}${t.jupyterBaseUrl}api`, { headers: { authorization: `token ${token}` } });
  await res.body?.cancel();
  return res.status;
}

beforeAll(async () => {
  if (e2e) {
    kubeConfig = new KubeConfig();
    kubeConfig.loadFromDefault();
  } else {
    fake = await FakeApiServer.start();
    kubeConfig = fake.kubeConfig();
  }
  core = kubeConfig.makeApiClient(CoreV1Api);
  driver = new KubernetesDriver({ kubeConfig, pollIntervalMs: e2e ? 1000 : 20, startTimeoutMs: e2e ? 300_000 : 10_000, workspaceSize: '1Gi' });
});

afterEach(async () => {
  for (const envId of started) await driver.remove(envId, { purge: true });
  started.clear();
});

afterAll(async () => {
  await driver?.close();
  await fake?.close();
});

describe('KubernetesDriver', () => {
  it('starts an environment whose Jupyter answers through the port-forward', async () => {
    const t = target();
    const endpoint = await driver.start(t, signal());
    expect(endpoint.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(endpoint.token).toBe(t.jupyterToken);
    expect(await jupyterAnswers(endpoint.origin, t)).toBe(200);
    expect(await driver.inspect(t.envId)).toEqual({ running: true, exitCode: null, oomKilled: false });
    expect(await driver.endpoint(t.envId)).toEqual(endpoint);
    // The token reached the container from the Secret, not from the pod spec.
    const [pod] = await podsOf(t.envId);
    expect(JSON.stringify(pod!.spec)).not.toContain(t.jupyterToken);
    expect((await driver.exec(t.envId, ['printenv', 'JUPYTER_TOKEN'], 10_000)).stdout.trim()).toBe(t.jupyterToken);
    expect((await driver.exec(t.envId, ['id', '-u'], 10_000)).stdout.trim()).toBe('1000');
  });

  fakeOnly('refuses a wrong token at the stand-in Jupyter (the check is real)', async () => {
    const t = target();
    const endpoint = await driver.start(t, signal());
    expect(await jupyterAnswers(endpoint.origin, t, 'wrong')).toBe(403);
  });

  it('stop deletes the pod and keeps the workspace claim; a new start adopts it', async () => {
    const t = target();
    await driver.start(t, signal());
    const [claim] = await claimsOf(t.envId);
    await driver.stop(t.envId);
    await driver.stop(t.envId); // idempotent
    expect(await podsOf(t.envId)).toEqual([]);
    expect((await claimsOf(t.envId)).map((c) => c.metadata!.uid)).toEqual([claim!.metadata!.uid]);
    expect(await driver.inspect(t.envId)).toEqual({ running: false, exitCode: null, oomKilled: false });
    expect(await driver.endpoint(t.envId)).toBeUndefined();
    const endpoint = await driver.start(t, signal());
    expect(await jupyterAnswers(endpoint.origin, t)).toBe(200);
    expect((await claimsOf(t.envId)).map((c) => c.metadata!.uid)).toEqual([claim!.metadata!.uid]);
  });

  it('remove keeps the workspace claim unless purged', async () => {
    const t = target();
    await driver.start(t, signal());
    await driver.remove(t.envId, { purge: false });
    expect(await claimsOf(t.envId)).toHaveLength(1);
    expect((await core.listSecretForAllNamespaces({ labelSelector: `mlwb.env=${t.envId}` })).items).toEqual([]);
    expect((await core.listServiceForAllNamespaces({ labelSelector: `mlwb.env=${t.envId}` })).items).toEqual([]);
    expect(await driver.inspect(t.envId)).toBeUndefined();
    await driver.remove(t.envId, { purge: true });
    // A real cluster keeps a claim until its pod is gone (pvc-protection): gone or on its way out.
    expect((await claimsOf(t.envId)).filter((c) => !c.metadata!.deletionTimestamp)).toEqual([]);
    await driver.remove(t.envId, { purge: true }); // idempotent
  });

  it('surfaces an object the API server refuses (422) as a DriverError blamed on the request', async () => {
    const t = target({ resources: { cpus: -1, memoryMiB: 512, gpus: 0 } });
    const failure = await driver.start(t, signal()).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DriverError);
    expect((failure as DriverError).blame).toBe('user');
    expect((failure as DriverError).message).toMatch(/422 Invalid.*must be greater than or equal to 0/);
    if (fake) expect(fake.requests).toContainEqual({ method: 'POST', path: `/api/v1/namespaces/${names(t).namespace}/pods`, code: 422 });
  });

  it('fails fast, with the reason, when the image cannot be pulled, and leaves no pod behind', async () => {
    const t = target({ imageRef: `${MISSING_REGISTRY}nothing:1` });
    const failure = await driver.start(t, signal()).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DriverError);
    expect((failure as DriverError).message).toMatch(/ErrImagePull|ImagePullBackOff/);
    expect((failure as DriverError).blame).toBe('user');
    await expect.poll(async () => (await podsOf(t.envId)).filter((p) => !p.metadata!.deletionTimestamp)).toEqual([]);
  });

  it('lists its instances across namespaces, also from a fresh driver (a restarted backend)', async () => {
    const a = target();
    const b = target({ ownerId: 'usr_OtherOwner42', name: 'other' });
    await Promise.all([driver.start(a, signal()), driver.start(b, signal())]);
    expect(names(a).namespace).not.toBe(names(b).namespace);
    const fresh = new KubernetesDriver({ kubeConfig, pollIntervalMs: 20 });
    try {
      const listed = await fresh.list();
      expect(listed).toContainEqual({ envId: a.envId, ownerId: a.ownerId, running: true });
      expect(listed).toContainEqual({ envId: b.envId, ownerId: b.ownerId, running: true });
      const endpoint = await fresh.endpoint(b.envId);
      expect(endpoint?.token).toBe(b.jupyterToken);
      expect(await jupyterAnswers(endpoint!.origin, b)).toBe(200);
    } finally {
      await fresh.close();
    }
  });

  it('replaces the pod when the token changes, and adopts it when nothing does', async () => {
    const t = target();
    await driver.start(t, signal());
    const [first] = await podsOf(t.envId);
    await driver.start(t, signal());
    expect((await podsOf(t.envId)).map((p) => p.metadata!.uid)).toEqual([first!.metadata!.uid]);
    const renewed = { ...t, jupyterToken: randomBytes(16).toString('hex') };
    const endpoint = await driver.start(renewed, signal());
    expect(await jupyterAnswers(endpoint.origin, renewed)).toBe(200);
    expect((await podsOf(t.envId)).map((p) => p.metadata!.uid)).not.toContain(first!.metadata!.uid);
  });

  fakeOnly('maps an OOM kill to oomKilled', async () => {
    const t = target();
    await driver.start(t, signal());
    fake!.oomKill(names(t).namespace, names(t).pod);
    expect(await driver.inspect(t.envId)).toEqual({ running: true, exitCode: null, oomKilled: true });
  });

  fakeOnly('reads and follows logs', async () => {
    const t = target();
    await driver.start(t, signal());
    const tail = await driver.logs(t.envId, 50);
    expect(tail.some((l) => l.line.includes('Jupyter Server'))).toBe(true);
    expect(tail[0]!.at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const lines: string[] = [];
    const stop = await driver.followLogs(t.envId, (l) => lines.push(l.line));
    fake!.log(names(t).namespace, names(t).pod, 'kernel started');
    await expect.poll(() => lines).toContain('kernel started');
    stop();
    expect(await driver.logs(id('env'), 10)).toEqual([]);
  });

  it('runs commands with exit codes, an output cap and a timeout', async () => {
    const t = target();
    await driver.start(t, signal());
    expect(await driver.exec(t.envId, ['echo', 'hello'], 10_000)).toEqual({ exitCode: 0, stdout: 'hello\n', stderr: '', timedOut: false, truncated: false });
    expect((await driver.exec(t.envId, ['false'], 10_000)).exitCode).toBe(1);
    const big = await driver.exec(t.envId, ['head', '-c', String(2 * 1024 * 1024), '/dev/zero'], 30_000);
    expect(big).toMatchObject({ exitCode: 0, truncated: true });
    expect(big.stdout.length).toBe(1024 * 1024);
    expect(await driver.exec(t.envId, ['sleep', '30'], 300)).toMatchObject({ exitCode: null, timedOut: true });
    await expect(driver.exec(id('env'), ['true'], 1000)).rejects.toThrow(/not running/);
  });

  it('reports capacity from the nodes, and stats with the limits', async () => {
    const capacity = await driver.capacity();
    expect(capacity.cpus).toBeGreaterThan(0);
    expect(capacity.memoryMiB).toBeGreaterThan(0);
    if (fake) expect(capacity).toEqual({ cpus: 7.8, memoryMiB: 31256, gpus: 0 });
    const t = target();
    await driver.start(t, signal());
    const stats = await driver.stats(t.envId);
    expect(stats.cpu.limitCpus).toBe(0.5);
    expect(stats.memory.limitBytes).toBe(512 * 2 ** 20);
    // The fake has no metrics API: usage reads as zero instead of failing.
    if (fake) expect(stats).toMatchObject({ cpu: { percent: 0 }, memory: { usedBytes: 0 }, gpus: [] });
  });

  fakeOnly('waits for an unschedulable pod until the timeout, naming the reason', async () => {
    const impatient = new KubernetesDriver({ kubeConfig, pollIntervalMs: 20, startTimeoutMs: 300 });
    const t = target({ resources: { cpus: 1, memoryMiB: 512, gpus: 1 } });
    await expect(impatient.start(t, signal())).rejects.toThrow(/not ready after .*Insufficient nvidia\.com\/gpu/);
    await impatient.close();
  });

  fakeOnly('gives up a start when its signal is aborted, deleting the pod', async () => {
    const controller = new AbortController();
    const t = target({ resources: { cpus: 1, memoryMiB: 512, gpus: 1 } });
    const starting = driver.start(t, controller.signal);
    setTimeout(() => controller.abort(), 100);
    await expect(starting).rejects.toMatchObject({ name: 'AbortError' });
    await expect.poll(async () => podsOf(t.envId)).toEqual([]);
  });

  it('refuses to build images with extra packages, and runs the base image as it is', async () => {
    const request = { envId: 'env_x1234567', ownerId: 'usr_x1234567', baseImage: image };
    expect(await driver.ensureImage({ ...request, packages: { apt: [], pip: [] } }, () => undefined, signal())).toBe(image);
    await expect(driver.ensureImage({ ...request, packages: { apt: [], pip: ['requests'] } }, () => undefined, signal())).rejects.toMatchObject({
      blame: 'user',
      message: expect.stringContaining('cannot build images'),
    });
  });
});

describe.skipIf(e2e)('the fake API server answers like a real one', () => {
  it('refuses undecodable quantities (400), unknown namespaces (404), duplicates (409) and Pod Security violations (403)', async () => {
    const t = target();
    await driver.start(t, signal());
    const n = names(t);
    const [pod] = await podsOf(t.envId);
    const base = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'probe', namespace: n.namespace }, spec: pod!.spec! };
    const codeOf = (p: Promise<unknown>) => p.then(() => 200, (e: { code?: number }) => e.code);
    const container = pod!.spec!.containers[0]!;
    const badQuantity = { ...base, spec: { ...base.spec, containers: [{ ...container, resources: { limits: { cpu: 'lots' } } }] } };
    expect(await codeOf(core.createNamespacedPod({ namespace: n.namespace, body: badQuantity }))).toBe(400);
    expect(await codeOf(core.createNamespacedPod({ namespace: 'nowhere', body: { ...base, metadata: { name: 'probe' } } }))).toBe(404);
    expect(await codeOf(core.createNamespacedPod({ namespace: n.namespace, body: { ...base, metadata: { name: n.pod } } }))).toBe(409);
    const privileged = { ...base, spec: { ...base.spec, containers: [{ ...container, securityContext: { ...container.securityContext, allowPrivilegeEscalation: true } }] } };
    expect(await codeOf(core.createNamespacedPod({ namespace: n.namespace, body: privileged }))).toBe(403);
    expect(await codeOf(fake!.kubeConfig('wrong-token').makeApiClient(CoreV1Api).listNode())).toBe(401);
  });
});
