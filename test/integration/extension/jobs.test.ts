import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../../backend/src/client/index.js';
import { syncWorkspace } from '../../../backend/src/client/workspace-sync.js';
import type { Job } from '../../../backend/src/protocol/index.js';
import { loadCatalog } from '../../../backend/src/images/catalog.js';
import { BackendLink } from '../../../extension/src/backend/link.js';
import { JobLogFollower, type FollowedLine } from '../../../extension/src/jobs/follower.js';
import { JobLogView } from '../../../extension/src/jobs/logView.js';
import { JobOutput } from '../../../extension/src/jobs/output.js';
import { jobProblem } from '../../../extension/src/jobs/problems.js';
import { runScriptBody } from '../../../extension/src/jobs/run.js';
import { startBackend, type BackendProcess } from '../../fixtures/backend-process.js';
import { dockerUnavailable } from '../../fixtures/docker.js';
import { tiny, waitForState } from '../../fixtures/environments.js';
import { is, windowController, type TestWindow } from '../../fixtures/extension/window.js';
import { startTcpProxy, type TcpProxy } from '../../fixtures/tcp-proxy.js';
import { skip as localSkip } from '../runtime/local/jupyter-python.js';

// The jobs' editor logic (sync, log follower, log view, traceback → workspace file) against the
// real backend process, with the Docker driver and with the local driver, through the extension's
// own connection controller, over a link the test can cut.
const catalog = await loadCatalog(resolve(__dirname, '../../../devcontainer-images'));
const image = catalog.get('python-cpu')!;
const dockerSkip = await dockerUnavailable(image.tag);

/** The sample project the traceback unit tests use: `simple.py` calls `pkg/mod.py`, which divides by zero. */
const PROJECT = resolve(__dirname, '../../unit/extension/jobs/fixtures/tracebacks/proj');

/** Follows a job to its end; resolves with every line and the ended job. `onLine` sees each line as it comes. */
function followToEnd(link: BackendLink, jobId: string, onLine: (line: FollowedLine, count: number) => void = () => undefined): Promise<{ lines: FollowedLine[]; job: Job }> {
  const lines: FollowedLine[] = [];
  return new Promise((resolveEnd, reject) => {
    const timer = setTimeout(() => (follower.dispose(), reject(new Error(`job ${jobId} did not end within 120 s (${lines.length} lines)`))), 120_000);
    const follower = new JobLogFollower(link, jobId, {
      line: (line) => {
        lines.push(line);
        onLine(line, lines.length);
      },
      end: (job) => {
        clearTimeout(timer);
        follower.dispose();
        resolveEnd({ lines, job });
      },
    });
  });
}

describe.skipIf(!!dockerSkip)(`Jobs editor logic against the real backend on Docker (${dockerSkip ?? image.tag})`, () => {
  jobCases(['--driver', 'docker']);
});

describe.skipIf(!!localSkip)(`Jobs editor logic against the real backend on the local driver${localSkip ? ` (${localSkip})` : ''}`, () => {
  jobCases(['--driver', 'local', '--capacity-cpus', '1']);
});

function jobCases(backendArgs: string[]): void {
  let backend: BackendProcess;
  let proxy: TcpProxy;
  let window: TestWindow;
  let link: BackendLink;
  let envId: string;
  let client: ApiClient;
  const api = () => link.current!.api;

  beforeAll(async () => {
    backend = await startBackend({ args: backendArgs });
    proxy = await startTcpProxy(backend.url);
    window = windowController({ settings: { url: proxy.url }, remoteToken: backend.token });
    await window.controller.connect();
    expect(await window.controller.connection.when(is('connected', 'down'))).toMatchObject({ status: 'connected' });
    link = new BackendLink(window.controller);
    client = new ApiClient({ url: backend.url, token: backend.token });
    const env = await client.call('createEnvironment', { body: { name: 'jobs-ui', image: 'python-cpu', cpus: tiny.cpus, memoryMiB: 512 } });
    envId = env.id;
    expect(await waitForState(client, envId, ['running', 'failed'])).toMatchObject({ state: 'running' });
  });

  afterAll(async () => {
    if (envId) await client.call('deleteEnvironment', { params: { id: envId }, query: { purge: 'true' } });
    link?.dispose();
    await window?.controller.stop();
    await proxy?.close();
    await backend?.stop();
  });

  it('runs a synced file that raises, and its traceback points at the workspace file and line', async () => {
    const folder = join(mkdtempSync(join(tmpdir(), 'mlwb-jobs-')), 'proj');
    cpSync(PROJECT, folder, { recursive: true });
    const { root } = await syncWorkspace(window.controller.client!, envId, folder);
    const created = await api().call('createJob', { body: runScriptBody(envId, root, 'simple.py') });
    expect(created).toMatchObject({ workspaceRoot: root, command: ['python3', 'simple.py'] });

    const { lines, job } = await followToEnd(link, created.id);
    expect(job).toMatchObject({ state: 'failed', exitCode: 1 });
    expect(lines.map((l) => l.text)).toContain('starting');
    const output = new JobOutput();
    lines.forEach((l) => output.add(l));
    const problem = jobProblem(job, output, folder);
    expect(problem).toMatchObject({ file: join(folder, 'pkg', 'mod.py'), line: 2, message: 'ZeroDivisionError: division by zero', code: 'return a / b' });
    expect(problem?.related.map((r) => [r.file, r.line])).toEqual([
      [join(folder, 'simple.py'), 7],
      [join(folder, 'simple.py'), 5],
    ]);
  });

  it("cancels a running job from its log view's Ctrl-C and ends the view with the outcome", async () => {
    const script = 'import time\nprint("waiting", flush=True)\ntime.sleep(600)\n';
    const created = await api().call('createJob', { body: { envId, command: ['python3', '-c', script] } });
    let written = '';
    let onWrite = (): void => undefined;
    const view = new JobLogView({
      link,
      job: created,
      envName: 'jobs-ui',
      write: (data) => {
        written += data;
        onWrite();
      },
      cancel: () => api().call('cancelJob', { params: { id: created.id } }),
    });
    const until = (text: string): Promise<void> =>
      new Promise((resolveText, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "${text}" within 60 s in: ${written}`)), 60_000);
        onWrite = () => {
          if (!written.includes(text)) return;
          clearTimeout(timer);
          resolveText();
        };
        onWrite();
      });
    view.open();
    await until('waiting');
    view.input('\x03');
    await until('✖ cancelled (cancelled by user)');
    view.dispose();
    expect(view.job).toMatchObject({ state: 'cancelled', reason: 'cancelled by user' });
  });

  it('follows a long job across a cut connection with no line lost or repeated, and equal to the stored log', async () => {
    const count = 4000;
    const script = `import sys, time\nfor i in range(1, ${count + 1}):\n    print(i, flush=True)\n    if i % 200 == 0: time.sleep(0.05)\n`;
    const created = await api().call('createJob', { body: { envId, command: ['python3', '-c', script] } });
    let cut = false;
    const states: string[] = [];
    const offState = link.current!.events.on('state', (state) => states.push(state));
    const { lines, job } = await followToEnd(link, created.id, (_line, seen) => {
      // Cut every connection (events socket and HTTP) mid-stream, once.
      if (seen === 500 && !cut) {
        cut = true;
        proxy.cutAll();
      }
    });
    offState();
    // The cut was real: the event stream went down and came back while the job was running.
    expect(cut).toBe(true);
    expect(states).toEqual(expect.arrayContaining(['reconnecting', 'open']));
    expect(job.state).toBe('succeeded');
    const stdout = lines.filter((l) => l.stream === 'stdout');
    expect(stdout.map((l) => l.text)).toEqual(Array.from({ length: count }, (_, i) => String(i + 1)));
    expect(lines.map((l) => l.seq)).toEqual(Array.from({ length: lines.length }, (_, i) => i + 1));

    const stored: FollowedLine[] = [];
    for (let from = 1; ; ) {
      const page = await api().call('jobLog', { params: { id: created.id }, query: { from, limit: 5000 } });
      stored.push(...page.lines.map(({ seq, stream, text }) => ({ seq, stream, text })));
      if (page.complete) break;
      from = page.next;
    }
    expect(lines).toEqual(stored);
  });
}
