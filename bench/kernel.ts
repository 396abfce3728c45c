// `npm run bench:kernel`: notebook kernels through the backend's Jupyter proxy, each figure beside the
// same one measured straight against the environment's Jupyter server (no proxy) in the same run:
//  - select kernel → first output: a new Jupyter session, its socket, and `print()`'s output (median of BENCH_RUNS);
//  - round trip of `1+1` (median and p99 of 100, the two targets interleaved);
//  - log streaming of a job printing BENCH_LINES lines, created → every line followed (jobs API + events),
//    beside the same command's output read straight from the environment (docker exec / local process).
// The direct Jupyter endpoint is read from the driver: Docker's published port and the container's
// JUPYTER_TOKEN (docker inspect), or the local driver's state.json; the backend never hands it out.
import Docker from 'dockerode';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiClient, EventStream } from '../backend/src/client/index.js';
import { StateFile } from '../backend/src/runtime/local/state.js';
import { TopicHolds } from '../extension/src/backend/topics.js';
import { JobLogFollower } from '../extension/src/jobs/follower.js';
import type { CellSink } from '../extension/src/notebooks/cellRun.js';
import type { JupyterTarget } from '../extension/src/notebooks/jupyterRest.js';
import { KernelSession } from '../extension/src/notebooks/kernelSession.js';
import { startBackend, type BackendProcess } from '../test/fixtures/backend-process.js';
import { dockerUnavailable } from '../test/fixtures/docker.js';
import { waitForState } from '../test/fixtures/environments.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const ROUND_TRIPS = 100;
const LINES = Number(process.env.BENCH_LINES ?? 10_000);
const PRINT_LINES = `import sys\nfor i in range(${LINES}):\n    print(f"line {i} of the benchmark log", flush=False)\nsys.stdout.flush()`;

const ms = (x: number): number => Math.round(x * 100) / 100;
const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return ms(s[Math.min(s.length - 1, Math.floor(q * s.length))]!);
};

const noSink: CellSink = { add: () => undefined, update: () => undefined, clear: () => undefined };

function session(target: JupyterTarget, path: string): KernelSession {
  return new KernelSession({ target, path, envName: 'bench', environmentRunning: async () => true });
}

/** From "select kernel" (a new session) to the first output of its first cell. */
async function firstOutputMs(target: JupyterTarget, run: number): Promise<number> {
  const t0 = performance.now();
  const kernel = session(target, `bench-${run}.ipynb`);
  let first = 0;
  await kernel.execute('print("ready")', { ...noSink, add: () => (first ||= performance.now()) });
  await kernel.shutdown();
  return first - t0;
}

/** Where the environment's Jupyter server listens, read from the driver. */
async function directTarget(driver: string, backend: BackendProcess, envId: string): Promise<JupyterTarget> {
  const base = `/api/v1/environments/${envId}/jupyter/`;
  if (driver === 'docker') {
    const docker = new Docker();
    const [summary] = await docker.listContainers({ filters: { label: [`mlwb.env=${envId}`] } });
    const info = await docker.getContainer(summary!.Id).inspect();
    const binding = info.NetworkSettings.Ports['8888/tcp']![0]!;
    const token = info.Config.Env.find((e) => e.startsWith('JUPYTER_TOKEN='))!.slice('JUPYTER_TOKEN='.length);
    return { baseUrl: `http://${binding.HostIp}:${binding.HostPort}${base}`, authorization: `token ${token}` };
  }
  const root = join(backend.dataDir, 'local-envs');
  const state = StateFile.parse(JSON.parse(readFileSync(join(root, envId, 'state.json'), 'utf8')));
  return { baseUrl: `http://127.0.0.1:${state.run!.port}${state.run!.baseUrl.replace(/\/?$/, '/')}`, authorization: `token ${state.run!.token}` };
}

/** Lines per second of a job's log, created → last line followed through the backend. */
async function jobLinesPerSecond(client: ApiClient, envId: string): Promise<{ linesPerSecond: number; lines: number }> {
  const events = new EventStream({ url: client.options.url, token: client.options.token!, topics: [] });
  events.start();
  const link = { current: { endpoint: { mode: 'remote' as const, url: client.options.url }, api: client, events, topics: new TopicHolds(events) }, onDidChange: () => () => true };
  let lines = 0;
  const t0 = performance.now();
  const job = await client.call('createJob', { body: { envId, command: ['python3', '-c', PRINT_LINES] } });
  await new Promise<void>((resolve) => new JobLogFollower(link, job.id, { line: (l) => (lines += l.stream === 'stdout' ? 1 : 0), end: () => resolve() }));
  const seconds = (performance.now() - t0) / 1000;
  events.close();
  return { linesPerSecond: Math.round(lines / seconds), lines };
}

/** The same command's output read straight from the environment, no backend in between. */
async function directLinesPerSecond(driver: string, backend: BackendProcess, envId: string): Promise<number> {
  const t0 = performance.now();
  let text = '';
  if (driver === 'docker') {
    const docker = new Docker();
    const [summary] = await docker.listContainers({ filters: { label: [`mlwb.env=${envId}`] } });
    const exec = await docker.getContainer(summary!.Id).exec({ Cmd: ['python3', '-c', PRINT_LINES], AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({});
    await new Promise<void>((resolve) => {
      stream.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
      stream.on('end', resolve);
    });
  } else {
    const state = StateFile.parse(JSON.parse(readFileSync(join(backend.dataDir, 'local-envs', envId, 'state.json'), 'utf8')));
    const python = join(backend.dataDir, 'local-envs', envId, 'venv', 'bin', 'python');
    const child = spawn(python, ['-c', PRINT_LINES], { env: state.run!.env });
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    await new Promise((resolve) => child.on('close', resolve));
  }
  const lines = (text.match(/line \d+ of the benchmark log/g) ?? []).length;
  return Math.round(lines / ((performance.now() - t0) / 1000));
}

async function pickDriver(): Promise<string> {
  if (process.env.BENCH_DRIVER) return process.env.BENCH_DRIVER;
  return (await dockerUnavailable('mlwb/python-cpu:0.1.0')) ? 'local' : 'docker';
}

async function main(): Promise<void> {
  const driver = await pickDriver();
  const backend = await startBackend({ args: ['--driver', driver, '--log-level', 'silent'] });
  const client = new ApiClient({ url: backend.url, token: backend.token });
  try {
    const env = await client.call('createEnvironment', { body: { name: 'bench-kernel', image: 'python-cpu', cpus: 1, memoryMiB: 1024 } });
    await waitForState(client, env.id, ['running']);
    const proxy: JupyterTarget = { baseUrl: `${backend.url}/api/v1/environments/${env.id}/jupyter/`, authorization: `Bearer ${backend.token}` };
    const direct = await directTarget(driver, backend, env.id);

    const first = { proxy: [] as number[], direct: [] as number[] };
    for (let i = 0; i < RUNS; i++) {
      first.proxy.push(await firstOutputMs(proxy, i));
      first.direct.push(await firstOutputMs(direct, i + RUNS));
    }

    const kernels = { proxy: session(proxy, 'rt-proxy.ipynb'), direct: session(direct, 'rt-direct.ipynb') };
    const trips = { proxy: [] as number[], direct: [] as number[] };
    for (const k of Object.values(kernels)) await k.execute('1+1', noSink); // starts the kernel; not measured
    for (let i = 0; i < ROUND_TRIPS; i++) {
      // alternate which goes first, so neither always runs right after the other's kernel went idle
      for (const name of i % 2 ? (['direct', 'proxy'] as const) : (['proxy', 'direct'] as const)) {
        const t0 = performance.now();
        await kernels[name].execute('1+1', noSink);
        trips[name].push(performance.now() - t0);
      }
    }
    await Promise.all(Object.values(kernels).map((k) => k.shutdown()));

    const logs = await jobLinesPerSecond(client, env.id);
    const directLogs = await directLinesPerSecond(driver, backend, env.id);

    const figures = {
      driver,
      runs: RUNS,
      selectKernelToFirstOutputMs: { proxy: quantile(first.proxy, 0.5), direct: quantile(first.direct, 0.5) },
      roundTrip1plus1Ms: {
        samples: ROUND_TRIPS,
        proxy: { median: quantile(trips.proxy, 0.5), p99: quantile(trips.proxy, 0.99) },
        direct: { median: quantile(trips.direct, 0.5), p99: quantile(trips.direct, 0.99) },
      },
      logStreamingLinesPerSecond: { lines: LINES, received: logs.lines, jobsApi: logs.linesPerSecond, directProcess: directLogs },
    };
    console.log(JSON.stringify(figures, null, 2));
    await client.call('deleteEnvironment', { params: { id: env.id }, query: { purge: 'true' } });
  } finally {
    await client.close();
    await backend.stop();
  }
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
