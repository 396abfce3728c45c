import Docker from 'dockerode';
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { delimiter, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../backend/src/images/catalog.js';
import { imageStatuses } from '../../../backend/src/images/docker-status.js';

const IMAGES_DIR = resolve(__dirname, '../../../devcontainer-images');
const RUN_ID = randomBytes(4).toString('hex');
/** Everything this file creates carries this label, so cleanup finds it even after a failure. */
const LABEL = `mlwb.test=images-build-${RUN_ID}`;
const VOLUME = `mlwb-test-home-${RUN_ID}`;
const MEMORY_BYTES = 512 * 1024 * 1024;

const run = promisify(execFile);
const docker = async (...args: string[]): Promise<string> => (await run('docker', args, { maxBuffer: 16 * 1024 * 1024 })).stdout.trim();

function onPath(tool: string): boolean {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin'];
  return dirs.some((d) => d && existsSync(join(d, tool)));
}

async function skipReason(): Promise<string | undefined> {
  try {
    await Promise.race([new Docker().ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('no answer in 3 s')), 3000))]);
  } catch (err) {
    return `no Docker engine answers (${err instanceof Error ? err.message : String(err)})`;
  }
  if (!onPath('debootstrap')) return 'debootstrap is not installed (apt-get install debootstrap)';
  return undefined;
}

const reason = await skipReason();
if (reason) console.warn(`test/integration/images/build.test.ts skipped: ${reason}`);

/** The hardened shape the Docker driver runs environments in. */
const hardened = (...extra: string[]): string[] => [
  '--label',
  LABEL,
  '--read-only',
  '--tmpfs',
  '/tmp:rw,exec,size=64m',
  '-v',
  `${VOLUME}:/home/mlwb`,
  '--cap-drop',
  'ALL',
  '--security-opt',
  'no-new-privileges',
  '--memory',
  String(MEMORY_BYTES),
  '--cpus',
  '1',
  '--pids-limit',
  '512',
  ...extra,
];

/** `node:http` with a timeout: fetch() can hang while docker-proxy resets early connections (recipe pitfall 9). */
function httpRequest(method: string, url: string, body?: string, timeoutMs = 2000): Promise<{ status: number; body: string }> {
  return new Promise((resolveRequest, reject) => {
    const headers = body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    const req = request(url, { method, headers, timeout: timeoutMs }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolveRequest({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}
const httpGet = (url: string): Promise<{ status: number; body: string }> => httpRequest('GET', url);

async function waitFor200(url: string, deadlineMs: number): Promise<{ status: number; body: string }> {
  const until = Date.now() + deadlineMs;
  let last = 'no answer';
  while (Date.now() < until) {
    try {
      const answer = await httpGet(url);
      if (answer.status === 200) return answer;
      last = `HTTP ${answer.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer 200 within ${deadlineMs} ms (last: ${last})`);
}

/** Starts the image's default command (Jupyter) and gives its address on the host. */
async function startJupyter(tag: string, token: string, ...env: string[]): Promise<{ id: string; base: string }> {
  const id = await docker('run', '-d', ...hardened('-p', '127.0.0.1::8888', '-e', `JUPYTER_TOKEN=${token}`, ...env.flatMap((e) => ['-e', e])), tag);
  const port = (await docker('port', id, '8888/tcp')).split('\n').find((l) => l.startsWith('127.0.0.1:'));
  if (!port) throw new Error(`no 127.0.0.1 port for container ${id}`);
  return { id, base: `http://${port}` };
}

async function logsOf(id: string): Promise<string> {
  const { stdout, stderr } = await run('docker', ['logs', '--tail', '40', id]).catch(() => ({ stdout: '', stderr: '(no logs)' }));
  return stdout + stderr;
}

describe.skipIf(reason !== undefined)(`environment images: build.sh and the built python-cpu${reason ? ` (skipped: ${reason})` : ''}`, () => {
  let tag = '';
  let packages: Record<string, string> = {};

  afterAll(async () => {
    const ids = await docker('ps', '-aq', '--filter', `label=${LABEL}`).catch(() => '');
    if (ids) await docker('rm', '-f', '-v', ...ids.split('\n'));
    await docker('volume', 'rm', '-f', VOLUME).catch(() => '');
  });

  it('builds python-cpu (and the base it needs), idempotently', async () => {
    const output = await new Promise<string>((resolveBuild, reject) => {
      const child = spawn('bash', [join(IMAGES_DIR, 'build.sh'), 'python-cpu'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolveBuild(out) : reject(new Error(`build.sh exited ${code}:\n${out.slice(-4000)}`))));
    });
    // build.sh's own summary (steps, times, sizes) in the test log; docker's output is in .mlwb/logs/images/
    console.log(output.split('\n').filter((l) => l.startsWith('[mlwb-') || l.startsWith('  ')).join('\n'));
    const image = (await loadCatalog(IMAGES_DIR)).get('python-cpu')!;
    tag = image.tag;
    packages = image.packages;
    expect(output).toMatch(new RegExp(`python-cpu: (built|${tag.replace(/[.:/]/g, '\\$&')} exists)`));

    const again = await run('bash', [join(IMAGES_DIR, 'build.sh'), 'python-cpu']);
    expect(again.stdout).toContain(`python-cpu: ${tag} exists and its inputs are unchanged, kept`);

    const labels = JSON.parse(await docker('image', 'inspect', '--format', '{{json .Config.Labels}}', tag)) as Record<string, string>;
    expect(labels).toMatchObject({ 'mlwb.image': 'python-cpu', 'mlwb.image.version': image.version, 'org.opencontainers.image.version': image.version });
    // what the image was built from, so that build.sh rebuilds it when its folder or the runtime changes
    expect(labels['mlwb.inputs']).toMatch(/^[0-9a-f]{16}$/);
    await docker('volume', 'create', '--label', LABEL, VOLUME);
  }, 20 * 60_000);

  it('is seen as built by the catalog status (dockerode)', async () => {
    const statuses = await imageStatuses(new Docker(), await loadCatalog(IMAGES_DIR));
    const status = statuses.find((s) => s.name === 'python-cpu');
    expect(status).toMatchObject({ built: true, id: await docker('image', 'inspect', '--format', '{{.Id}}', tag) });
    expect(status?.sizeBytes).toBeGreaterThan(100_000_000);
  });

  it('runs as uid 1000 with HOME and the workspace in place, read-only root', async () => {
    const out = await docker('run', '--rm', ...hardened(), tag, 'sh', '-c', 'id -u; id -g; echo "$HOME"; pwd; touch /usr/x 2>/dev/null && echo writable || echo read-only; touch "$HOME/work/ok" && echo home-ok');
    expect(out.split('\n')).toEqual(['1000', '1000', '/home/mlwb', '/home/mlwb/work', 'read-only', 'home-ok']);
  });

  it('has the data-science stack, in the versions its manifest lists', async () => {
    const script = [
      'import json, importlib.metadata as md',
      'import numpy, pandas, sklearn, scipy, debugpy, matplotlib, jupyter_server, ipykernel',
      'import matplotlib.pyplot as plt; plt.plot([1, 2]); plt.savefig("/tmp/p.png")',
      `print(json.dumps({d: md.version(d) for d in ${JSON.stringify(Object.keys(packages))}}))`,
    ].join('\n');
    const versions = JSON.parse(await docker('run', '--rm', ...hardened(), tag, 'python3', '-c', script)) as Record<string, string>;
    for (const [name, version] of Object.entries(packages)) expect(`${versions[name]}.`, name).toMatch(new RegExp(`^${version.replace(/\./g, '\\.')}\\.`));
  });

  it('runs the resource agent: one JSON line with the container limits', async () => {
    const out = await docker('run', '--rm', ...hardened(), tag, 'python3', '-m', 'mlwb_runtime.agent', '--once');
    const lines = out.split('\n');
    expect(lines).toHaveLength(1);
    const sample = JSON.parse(lines[0]!) as { t: string; cpu: { percent: number; limitCpus: number }; memory: { usedBytes: number; limitBytes: number }; gpus: unknown[] };
    expect(sample.memory.limitBytes).toBe(MEMORY_BYTES);
    expect(sample.memory.usedBytes).toBeGreaterThan(0);
    expect(sample.cpu.limitCpus).toBe(1);
    expect(sample.cpu.percent).toBeGreaterThanOrEqual(0);
    expect(sample.gpus).toEqual([]);
    expect(Number.isNaN(Date.parse(sample.t))).toBe(false);
  });

  it('starts Jupyter by default: /api answers, the token is required, a kernel starts', async () => {
    const token = randomBytes(24).toString('hex');
    const { id, base } = await startJupyter(tag, token);
    try {
      const api = await waitFor200(`${base}/api?token=${token}`, 90_000);
      expect(JSON.parse(api.body)).toHaveProperty('version');
      expect((await httpGet(`${base}/api/kernels`)).status).toBe(403);
      expect((await httpGet(`${base}/api/kernels?token=${token}`)).status).toBe(200);
      expect((await httpGet(`${base}/api/kernelspecs?token=${token}`)).body).toContain('"python3"');
      // a kernel needs a writable runtime dir and ~/.ipython: the home volume, with a read-only root
      const kernel = await httpRequest('POST', `${base}/api/kernels?token=${token}`, '{"name":"python3"}', 30_000);
      expect(kernel.status, kernel.body).toBe(201);
      const { id: kernelId } = JSON.parse(kernel.body) as { id: string };
      expect((await httpRequest('DELETE', `${base}/api/kernels/${kernelId}?token=${token}`, undefined, 30_000)).status).toBe(204);
    } catch (err) {
      throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- container logs ---\n${await logsOf(id)}`);
    } finally {
      await docker('rm', '-f', id);
    }
  }, 120_000);

  it('serves Jupyter under MLWB_JUPYTER_BASE_URL', async () => {
    const token = randomBytes(24).toString('hex');
    const prefix = '/api/v1/environments/env_test1234/jupyter';
    const { id, base } = await startJupyter(tag, token, `MLWB_JUPYTER_BASE_URL=${prefix}`);
    try {
      await waitFor200(`${base}${prefix}/api?token=${token}`, 90_000);
      expect((await httpGet(`${base}/api?token=${token}`)).status).toBe(404);
    } catch (err) {
      throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- container logs ---\n${await logsOf(id)}`);
    } finally {
      await docker('rm', '-f', id);
    }
  }, 120_000);
});
