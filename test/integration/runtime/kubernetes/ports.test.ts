import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubernetesDriver } from '../../../../backend/src/runtime/kubernetes/driver.js';
import { freePort } from '../../../fixtures/free-port.js';
import { runtimeTarget } from '../../../fixtures/kubernetes/builders.js';
import { FakeApiServer } from '../../../fixtures/kubernetes/fake-apiserver.js';

/**
 * `portAddress` on the Kubernetes driver, against the contract fake: a pod port-forward per port.
 * The fake's pods listen only on Jupyter's 8888, so that is the port reached through it.
 */
describe('KubernetesDriver.portAddress', () => {
  let fake: FakeApiServer;
  let driver: KubernetesDriver;
  const envId = `env_${randomBytes(9).toString('base64url').replace(/[-_]/g, 'x')}`;
  const t = runtimeTarget({
    envId,
    ownerId: 'usr_IntegrationTest1',
    name: 'k8s-ports',
    imageRef: 'mlwb/python-cpu:1.0.0',
    resources: { cpus: 0.5, memoryMiB: 512, gpus: 0 },
    jupyterToken: randomBytes(16).toString('hex'),
    jupyterBaseUrl: `/api/v1/environments/${envId}/jupyter/`,
  });

  beforeAll(async () => {
    fake = await FakeApiServer.start();
    driver = new KubernetesDriver({ kubeConfig: fake.kubeConfig(), pollIntervalMs: 20, startTimeoutMs: 10_000, workspaceSize: '1Gi' });
  });
  afterAll(async () => {
    await driver.remove(envId, { purge: true });
    await driver.close();
    await fake.close();
  });

  it('is undefined until the pod runs, then a local forward to the port, reused, and gone after stop', async () => {
    expect(await driver.portAddress(envId, 8888)).toBeUndefined();
    await driver.start(t, AbortSignal.timeout(20_000));

    const address = await driver.portAddress(envId, 8888);
    expect(address).toMatchObject({ host: '127.0.0.1' });
    expect(await driver.portAddress(envId, 8888)).toMatchObject({ host: address!.host, port: address!.port });
    const res = await fetch(`http://${address!.host}:${address!.port}${t.jupyterBaseUrl}api`, { headers: { authorization: `token ${t.jupyterToken}` } });
    await res.body?.cancel();
    expect(res.status).toBe(200);

    // a port nothing listens on: the forward accepts, then the pod's refusal ends the connection
    // (and `listening` knows without connecting)
    const free = await freePort();
    const closed = (await driver.portAddress(envId, free))!;
    expect(await closed.listening?.()).toBe(false);
    expect(closed.port).not.toBe(address!.port);
    await new Promise<void>((resolve, reject) => {
      const socket = connect(closed.port, closed.host);
      socket.on('close', () => resolve());
      socket.on('error', () => undefined);
      socket.setTimeout(10_000, () => reject(new Error('the refused forward stayed open')));
    });

    await driver.stop(envId);
    expect(await driver.portAddress(envId, 8888)).toBeUndefined();
    // its forward was closed with the environment
    await expect(new Promise((resolve, reject) => connect(address!.port, '127.0.0.1').on('connect', resolve).on('error', reject))).rejects.toThrow(/ECONNREFUSED/);
  });
});
