// `npm run bench:env`: time from "create" to Jupyter answering through the backend, per driver,
// cold (a new environment each time) and warm (restart of an existing one), median of 5; and a bare
// `docker run` of the same image to Jupyter answering, measured in the same run, for the overhead.
import Docker from 'dockerode';
import { resolve } from 'node:path';
import { ApiClient } from '../backend/src/client/index.js';
import { loadCatalog } from '../backend/src/images/catalog.js';
import { probeJupyter } from '../backend/src/runtime/jupyter-probe.js';
import { startBackend } from '../test/fixtures/backend-process.js';
import { waitForState } from '../test/fixtures/environments.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const resources = { cpus: 0.5, memoryMiB: 512 };

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.floor(s.length / 2)]!);
};

async function untilJupyter(url: string, token: string, id: string): Promise<void> {
  for (;;) {
    const res = await fetch(`${url}/api/v1/environments/${id}/jupyter/api/status`, { headers: { authorization: `Bearer ${token}` } }).catch(() => undefined);
    if (res?.status === 200) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function measureDriver(driver: 'docker' | 'local'): Promise<{ coldMs: number; warmMs: number; runs: number }> {
  const backend = await startBackend({ args: ['--driver', driver, '--log-level', 'silent'] });
  const client = new ApiClient({ url: backend.url, token: backend.token });
  const cold: number[] = [];
  const warm: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const env = await client.call('createEnvironment', { body: { name: `bench-${driver}-${i}`, image: 'python-cpu', ...resources } });
      await waitForState(client, env.id, ['running']);
      await untilJupyter(backend.url, backend.token, env.id);
      cold.push(performance.now() - t0);
      await client.call('stopEnvironment', { params: { id: env.id } });
      const t1 = performance.now();
      await client.call('startEnvironment', { params: { id: env.id } });
      await waitForState(client, env.id, ['running']);
      await untilJupyter(backend.url, backend.token, env.id);
      warm.push(performance.now() - t1);
      await client.call('deleteEnvironment', { params: { id: env.id }, query: { purge: 'true' } });
    }
  } finally {
    await client.close();
    await backend.stop();
  }
  return { coldMs: median(cold), warmMs: median(warm), runs: RUNS };
}

/** The same image started by hand: what any tool would pay before Jupyter answers. */
async function measureBareDocker(tag: string): Promise<number> {
  const docker = new Docker();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const token = `bench${i}${Date.now()}`;
    const t0 = performance.now();
    const container = await docker.createContainer({
      Image: tag,
      Env: [`JUPYTER_TOKEN=${token}`],
      ExposedPorts: { '8888/tcp': {} },
      HostConfig: { PortBindings: { '8888/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] }, NanoCpus: resources.cpus * 1e9, Memory: resources.memoryMiB * 2 ** 20 },
    });
    try {
      await container.start();
      const port = (await container.inspect()).NetworkSettings.Ports['8888/tcp']![0]!.HostPort;
      while (!(await probeJupyter(`http://127.0.0.1:${port}`, '/', token))) await new Promise((r) => setTimeout(r, 20));
      times.push(performance.now() - t0);
    } finally {
      await container.remove({ force: true });
    }
  }
  return median(times);
}

async function main(): Promise<void> {
  const image = (await loadCatalog(resolve(__dirname, '../../devcontainer-images'))).get('python-cpu')!;
  const bareDockerMs = await measureBareDocker(image.tag).catch(() => null);
  const docker = bareDockerMs === null ? null : await measureDriver('docker');
  const local = await measureDriver('local').catch((err: Error) => ({ error: err.message }));
  console.log(
    JSON.stringify(
      {
        benchmark: 'env.createToJupyterReady',
        image: image.tag,
        resources,
        runsPerFigure: RUNS,
        statistic: 'median',
        docker: docker && { ...docker, bareDockerRunMs: bareDockerMs, overheadColdMs: docker.coldMs - bareDockerMs! },
        local,
      },
      null,
      2,
    ),
  );
}

void main();
