import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, ApiError } from '../../../backend/src/client/index.js';
import { loadCatalog } from '../../../backend/src/images/catalog.js';
import { derivedImageTag } from '../../../backend/src/runtime/docker/spec.js';
import { startBackend, type BackendProcess } from '../../fixtures/backend-process.js';
import { docker, dockerUnavailable, leftovers } from '../../fixtures/docker.js';
import { tiny, waitForState } from '../../fixtures/environments.js';

const catalog = await loadCatalog(resolve(__dirname, '../../../devcontainer-images'));
const image = catalog.get('python-cpu')!;
const skip = await dockerUnavailable(image.tag);

describe.skipIf(skip)(`environments on Docker (${skip ?? image.tag})`, () => {
  let backend: BackendProcess;
  let client: ApiClient;

  beforeAll(async () => {
    backend = await startBackend({ args: ['--driver', 'docker'] });
    client = new ApiClient({ url: backend.url, token: backend.token });
  });
  afterAll(async () => {
    for (const env of (await client.call('listEnvironments')).items) await client.call('deleteEnvironment', { params: { id: env.id }, query: { purge: 'true' } });
    await client.close();
    await backend.stop();
  });

  const exec = (id: string, ...command: string[]) => client.call('execEnvironment', { params: { id }, body: { command } });

  it('creates an environment that runs Jupyter, reachable only through the backend', async () => {
    const created = await client.call('createEnvironment', { body: { name: 'basic', image: 'python-cpu', ...tiny, memoryMiB: 512 } });
    const env = await waitForState(client, created.id, ['running', 'failed']);
    expect(env.state).toBe('running');
    expect(env.limitsEnforced).toBe(true);

    const api = `${backend.url}/api/v1/environments/${env.id}/jupyter/api`;
    const ok = await fetch(api, { headers: { authorization: `Bearer ${backend.token}` } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toHaveProperty('version');
    expect((await fetch(api)).status).toBe(401);
    const kernel = await fetch(`${api}/kernels`, {
      method: 'POST',
      headers: { authorization: `Bearer ${backend.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'python3' }),
    });
    expect(kernel.status).toBe(201);
    const [audited] = (await client.call('listAudit', { query: { action: 'environment.jupyter', limit: 1 } })).items;
    expect(audited).toMatchObject({ target: env.id, result: 'ok', status: 201 });

    const info = await docker.getContainer((await docker.listContainers({ filters: { label: [`mlwb.env=${env.id}`] } }))[0]!.Id).inspect();
    const binding = info.NetworkSettings.Ports['8888/tcp']![0]!;
    expect(binding.HostIp).toBe('127.0.0.1');
  });

  it('enforces the limits and the security options in the container', async () => {
    const env = (await client.call('listEnvironments')).items.find((e) => e.name === 'basic')!;
    const [summary] = await docker.listContainers({ filters: { label: [`mlwb.env=${env.id}`] } });
    const info = await docker.getContainer(summary!.Id).inspect();
    expect(info.HostConfig.NanoCpus).toBe(0.1e9);
    expect(info.HostConfig.Memory).toBe(512 * 1024 * 1024);
    expect(info.HostConfig.PidsLimit).toBeGreaterThan(0);
    expect(info.HostConfig.SecurityOpt).toContain('no-new-privileges');
    expect(info.HostConfig.CapDrop).toEqual(['ALL']);
    expect(info.HostConfig.ReadonlyRootfs).toBe(true);
    expect(info.HostConfig.NetworkMode).toBe('mlwb');
    expect(info.Config.User).toBe('1000:1000');
    expect(info.Config.Labels).toMatchObject({ 'mlwb.env': env.id, 'mlwb.owner': env.ownerId });
    expect(info.Mounts.map((m) => [m.Type, m.Destination])).toEqual([['volume', '/home/mlwb']]);
    expect(info.Mounts.some((m) => m.Source?.includes('docker.sock'))).toBe(false);
    const id = await exec(env.id, 'id', '-u');
    expect(id).toMatchObject({ exitCode: 0, stdout: '1000\n' });
    const stats = await client.call('environmentStats', { params: { id: env.id } });
    expect(stats.memory.limitBytes).toBe(512 * 1024 * 1024);
    expect(stats.memory.usedBytes).toBeGreaterThan(0);
  });

  it('keeps the workspace across stop and start', async () => {
    const env = (await client.call('listEnvironments')).items.find((e) => e.name === 'basic')!;
    expect((await exec(env.id, 'sh', '-c', 'echo kept > /home/mlwb/work/note.txt')).exitCode).toBe(0);
    expect((await client.call('stopEnvironment', { params: { id: env.id } })).state).toBe('stopped');
    await client.call('startEnvironment', { params: { id: env.id } });
    await waitForState(client, env.id, ['running']);
    expect((await exec(env.id, 'cat', '/home/mlwb/work/note.txt')).stdout).toBe('kept\n');
  });

  it('refuses a bad package name with 422 before any build, creating nothing', async () => {
    const before = (await client.call('listEnvironments')).items.length;
    const err = await client
      .call('createEnvironment', { body: { name: 'bad-pkg', image: 'python-cpu', ...tiny, packages: { apt: ['curl; rm -rf /'], pip: [] } } })
      .catch((e: unknown) => e as ApiError);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(400);
    expect((err as ApiError).issues.map((i) => i.path)).toContain('body.packages.apt.0');
    const option = await client
      .call('createEnvironment', { body: { name: 'bad-pip', image: 'python-cpu', ...tiny, packages: { apt: [], pip: ['--index-url=http://evil'] } } })
      .catch((e: unknown) => e as ApiError);
    expect((option as ApiError).issues.map((i) => i.path)).toContain('body.packages.pip.0');
    expect((await client.call('listEnvironments')).items.length).toBe(before);
  });

  it('builds a derived image for extra packages, and reuses it for an identical spec', async () => {
    // an earlier run leaves the derived image behind: remove it so this run really builds
    const baseId = (await docker.getImage(image.tag).inspect()).Id;
    await docker.getImage(derivedImageTag(baseId, { apt: ['bc'], pip: [] })).remove({ force: true }).catch(() => undefined);
    const first = await client.call('createEnvironment', { body: { name: 'with-bc', image: 'python-cpu', ...tiny, packages: { apt: ['bc'], pip: [] } } });
    const built = await waitForState(client, first.id, ['running', 'failed'], 600_000);
    expect(built.reason).toBeNull();
    expect(built.imageRef).toMatch(/^mlwb-derived:/);
    expect((await exec(built.id, 'sh', '-c', 'echo 6*7 | bc')).stdout).toBe('42\n');

    const second = await client.call('createEnvironment', { body: { name: 'with-bc-too', image: 'python-cpu', ...tiny, packages: { apt: ['bc'], pip: [] } } });
    const reused = await waitForState(client, second.id, ['running', 'failed']);
    expect(reused.imageRef).toBe(built.imageRef);
    const derived = await docker.getImage(built.imageRef!).inspect();
    expect(derived.Config.Labels).toMatchObject({ 'mlwb.env': first.id });
  });

  it('fails a package install with the installer’s error and leaves no container', async () => {
    const created = await client.call('createEnvironment', { body: { name: 'no-such-pkg', image: 'python-cpu', ...tiny, packages: { apt: ['mlwb-no-such-package'], pip: [] } } });
    const failed = await waitForState(client, created.id, ['failed', 'running'], 600_000);
    expect(failed.state).toBe('failed');
    expect(failed.reason).toMatch(/Unable to locate package mlwb-no-such-package/);
    expect((await leftovers(created.id)).containers).toBe(0);
  });

  it('adopts running containers after a backend restart', async () => {
    const env = (await client.call('listEnvironments')).items.find((e) => e.name === 'basic')!;
    const [before] = await docker.listContainers({ filters: { label: [`mlwb.env=${env.id}`] } });
    await backend.stop();
    backend = await startBackend({ dataDir: backend.dataDir, adminToken: backend.token, args: ['--driver', 'docker'] });
    await client.close();
    client = new ApiClient({ url: backend.url, token: backend.token });
    expect((await client.call('getEnvironment', { params: { id: env.id } })).state).toBe('running');
    const [after] = await docker.listContainers({ filters: { label: [`mlwb.env=${env.id}`] } });
    expect(after!.Id).toBe(before!.Id);
    const res = await fetch(`${backend.url}/api/v1/environments/${env.id}/jupyter/api`, { headers: { authorization: `Bearer ${backend.token}` } });
    expect(res.status).toBe(200);
  });

  it('leaves the environments of another backend on the same engine alone', async () => {
    const env = (await client.call('listEnvironments')).items.find((e) => e.name === 'basic')!;
    const neighbour = await startBackend({ args: ['--driver', 'docker'] }); // its reconciliation runs at start
    await neighbour.stop();
    expect((await leftovers(env.id)).containers).toBe(1);
    expect((await client.call('getEnvironment', { params: { id: env.id } })).state).toBe('running');
  });

  it('deletes an environment: the workspace stays unless purged', async () => {
    const env = (await client.call('listEnvironments')).items.find((e) => e.name === 'with-bc-too')!;
    await client.call('deleteEnvironment', { params: { id: env.id } });
    expect(await leftovers(env.id)).toEqual({ containers: 0, volumes: 1 });
    const purged = (await client.call('listEnvironments')).items.find((e) => e.name === 'basic')!;
    await client.call('deleteEnvironment', { params: { id: purged.id }, query: { purge: 'true' } });
    expect(await leftovers(purged.id)).toEqual({ containers: 0, volumes: 0 });
    await docker.getVolume((await docker.listVolumes({ filters: { label: [`mlwb.env=${env.id}`] } })).Volumes[0]!.Name).remove();
  });
});
