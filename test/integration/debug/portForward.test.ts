import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ApiClient, ApiError, openPortSocket, portForwardUrl } from '../../../backend/src/client/index.js';
import { loadCatalog } from '../../../backend/src/images/catalog.js';
import type { Environment, ExecResult } from '../../../backend/src/protocol/index.js';
import { attachConfiguration, debugCommand } from '../../../extension/src/debug/configuration.js';
import { PortTunnel } from '../../../extension/src/debug/tunnel.js';
import { startBackend, type BackendProcess } from '../../fixtures/backend-process.js';
import { dockerUnavailable } from '../../fixtures/docker.js';
import { tiny, waitForState } from '../../fixtures/environments.js';
import { python, skip as localSkip } from '../runtime/local/jupyter-python.js';
import { DapClient, type DapMessage } from './dap-client.js';
import { waitForJob } from '../jobs/helpers.js';

const image = (await loadCatalog(resolve(__dirname, '../../../devcontainer-images'))).get('python-cpu')!;
const dockerSkip = await dockerUnavailable(image.tag);
const debugpyMissing = spawnSync(python, ['-c', 'import debugpy'], { encoding: 'utf8' }).status === 0 ? undefined : `debugpy does not import in ${python}: apt-get install python3-debugpy`;

/** The script debugged: the breakpoint goes on the `total +=` line. */
const SCRIPT = ['total = 0', 'for i in range(3):', '    total += i', 'print("total", total)', ''].join('\n');
const BREAKPOINT_LINE = 3;
/** Where the test pretends the workspace is on the user's machine (debugpy maps it to the environment). */
const LOCAL_ROOT = '/home/someone/project';

const cases = [
  // Each container has its own network: the port can be fixed. On the local driver the job shares
  // the host's loopback, so the port is one the test process does not otherwise use.
  { driver: 'docker', skip: dockerSkip, port: 5678 },
  { driver: 'local', skip: localSkip ?? debugpyMissing, port: 20_000 + (process.pid % 20_000) },
] as const;

describe.each(cases)('debugging through the port-forward route on the $driver driver', ({ driver, skip, port }) => {
  let backend: BackendProcess;
  let client: ApiClient;
  let env: Environment;
  let workspace: string;

  const exec = (command: string[], timeoutSeconds = 60): Promise<ExecResult> => client.call('execEnvironment', { params: { id: env.id }, body: { command, timeoutSeconds } });
  const audited = async (result: 'ok' | 'failed'): Promise<number[]> =>
    (await client.call('listAudit', { query: { action: 'environment.port_forward' } })).items.filter((e) => e.target === env.id && e.result === result).map((e) => e.status);
  const refusal = (p: Promise<unknown>): Promise<ApiError> => p.then(() => expect.fail('expected a refusal'), (e: unknown) => e as ApiError);

  beforeAll(async () => {
    if (skip) return;
    backend = await startBackend({ args: ['--driver', driver] });
    client = new ApiClient({ url: backend.url, token: backend.token });
    const created = await client.call('createEnvironment', { body: { name: `debug-${driver}`, image: 'python-cpu', ...tiny, memoryMiB: 512 } });
    env = await waitForState(client, created.id, ['running', 'failed']);
    expect(env.state).toBe('running');
    workspace = (await exec(['python3', '-c', `import os; open("dbg.py", "w").write(${JSON.stringify(SCRIPT)}); print(os.getcwd())`])).stdout.trim();
  }, 300_000);
  afterAll(async () => {
    if (skip) return;
    for (const e of (await client.call('listEnvironments')).items) await client.call('deleteEnvironment', { params: { id: e.id }, query: { purge: 'true' } });
    await client.close();
    await backend.stop();
  }, 120_000);

  it.skipIf(!!skip)(`stops at a breakpoint set on the workspace path, continues, and the program ends (${skip ?? 'debugpy in the environment'})`, async () => {
    const tunnel = await PortTunnel.open(() => openPortSocket(client.options, env.id, port));
    try {
      // a job under debugpy, as "Debug File in Environment" starts it
      const job = await client.call('createJob', { body: { envId: env.id, command: debugCommand('dbg.py', [], port), cwd: workspace, workspaceRoot: workspace } });
      await tunnel.ready({ timeoutMs: 60_000 });

      const dap = await DapClient.connect(tunnel.port);
      const init = await dap.request('initialize', { clientID: 'mlwb-test', adapterID: 'debugpy', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
      expect(init.success).toBe(true);
      expect(init.body?.supportsConfigurationDoneRequest).toBe(true);

      const { type: _type, request: _request, connect: _connect, ...attachArgs } = attachConfiguration({ jobId: 'job_test0000', name: 'test', localPort: tunnel.port, localRoot: LOCAL_ROOT, remoteRoot: workspace });
      const attached = dap.request('attach', attachArgs);
      await dap.event((m) => m.event === 'initialized');
      const localFile = `${LOCAL_ROOT}/dbg.py`;
      const breakpoints = await dap.request('setBreakpoints', { source: { path: localFile }, breakpoints: [{ line: BREAKPOINT_LINE }] });
      expect(breakpoints.success).toBe(true);
      expect((await dap.request('configurationDone')).success).toBe(true);
      expect((await attached).success).toBe(true);

      const stopped = await dap.event((m) => m.event === 'stopped');
      expect(stopped.body).toMatchObject({ reason: 'breakpoint' });
      const threadId = stopped.body!.threadId as number;
      const trace = await dap.request('stackTrace', { threadId });
      const top = (trace.body!.stackFrames as { line: number; source: { path: string } }[])[0]!;
      expect(top.line).toBe(BREAKPOINT_LINE);
      expect(top.source.path).toBe(localFile); // mapped back from the environment's path

      // the breakpoint is hit once per loop pass: continue through all three
      const hits: DapMessage[] = [stopped];
      for (;;) {
        await dap.request('continue', { threadId });
        const next = await dap.event((m) => (m.event === 'stopped' && !hits.includes(m)) || m.event === 'terminated' || m.event === 'exited');
        if (next.event !== 'stopped') break;
        hits.push(next);
      }
      expect(hits).toHaveLength(3);
      expect(await waitForJob(client, job.id)).toMatchObject({ state: 'succeeded', exitCode: 0 });
      const { lines } = await client.call('jobLog', { params: { id: job.id } });
      expect(lines.map((l) => l.text)).toContain('total 3');
      dap.close();
      expect(await audited('ok')).toEqual([101]); // one connection: the one that proved the port served the debugger
    } finally {
      await tunnel.close();
    }
  }, 180_000);

  it.skipIf(!!skip)('carries a megabyte both ways intact, in frames the backend accepts', async () => {
    const echoPort = port + 2;
    const echo = [
      'import socket',
      's = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)',
      `s.bind(("0.0.0.0", ${echoPort})); s.listen(1)`,
      'c, _ = s.accept()',
      'while True:',
      '    d = c.recv(65536)',
      '    if not d: break',
      '    c.sendall(d)',
    ].join('\n');
    const job = await client.call('createJob', { body: { envId: env.id, command: ['python3', '-c', echo] } });
    const tunnel = await PortTunnel.open(() => openPortSocket(client.options, env.id, echoPort));
    try {
      await tunnel.ready({ timeoutMs: 60_000 });
      const sent = randomBytes(1024 * 1024);
      const received = await new Promise<Buffer>((resolve, reject) => {
        const chunks: Buffer[] = [];
        let length = 0;
        const socket = connect({ host: '127.0.0.1', port: tunnel.port }, () => socket.write(sent));
        socket.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          length += chunk.length;
          if (length >= sent.length) {
            socket.end();
            resolve(Buffer.concat(chunks));
          }
        });
        socket.on('error', reject);
      });
      expect(received.equals(sent)).toBe(true);
      // closing our side closes the program's connection: the echo loop ends
      expect(await waitForJob(client, job.id)).toMatchObject({ state: 'succeeded', exitCode: 0 });
    } finally {
      await tunnel.close();
    }
  }, 120_000);

  it.skipIf(!!skip)('refuses with plain HTTP answers before any upgrade', async () => {
    const open = (id: string, p: number, token = backend.token) => openPortSocket({ url: backend.url, token }, id, p);

    // (not the debug port: debugpy's adapter may outlive the program by a moment)
    const idle = await refusal(open(env.id, port + 1));
    expect(idle).toMatchObject({ status: 409, issues: [{ path: 'path.port' }] }); // nothing listens: worth retrying
    expect(await audited('failed')).toContain(409);

    expect(await refusal(open(env.id, 80))).toMatchObject({ status: 400, issues: [{ path: 'path.port' }] });
    expect(await refusal(open('env_doesnotexist', port))).toMatchObject({ status: 404 });

    const bob = await client.call('createUser', { body: { name: `bob-${driver}` } });
    const bobToken = (await client.call('createToken', { body: { name: 'bob', userId: bob.id } })).token;
    expect(await refusal(open(env.id, port, bobToken))).toMatchObject({ status: 404 });

    const stopped = await client.call('createEnvironment', { body: { name: `stopped-${driver}`, image: 'python-cpu', ...tiny, start: false } });
    const notRunning = await refusal(open(stopped.id, port));
    expect(notRunning).toMatchObject({ status: 409, issues: [] });
    expect(notRunning.message).toContain('stopped');

    // a browser page from elsewhere may not open it
    const foreign = await new Promise<number>((done) => {
      const ws = new WebSocket(portForwardUrl(backend.url, env.id, port), { headers: { authorization: `Bearer ${backend.token}`, origin: 'https://evil.example' } });
      ws.on('unexpected-response', (_req, res) => done(res.statusCode ?? 0));
      ws.on('error', () => undefined);
    });
    expect(foreign).toBe(403);

    // plain HTTP is not a tunnel
    const plain = await fetch(portForwardUrl(backend.url, env.id, port).href.replace(/^ws/, 'http'), { headers: { authorization: `Bearer ${backend.token}` } });
    expect(plain.status).toBe(400);
  });
});
