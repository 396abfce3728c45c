import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ApiClient } from '../../../backend/src/client/index.js';
import type { CellEnd, CellOutput, CellSink } from '../../../extension/src/notebooks/cellRun.js';
import { cellEndProblem } from '../../../extension/src/notebooks/cellProblems.js';
import { KernelSession } from '../../../extension/src/notebooks/kernelSession.js';
import { NotebookWorkspace } from '../../../extension/src/notebooks/notebookWorkspace.js';
import { syncWorkspace } from '../../../backend/src/client/workspace-sync.js';
import { ERROR_MIME, STDOUT_MIME } from '../../../extension/src/notebooks/outputs.js';
import { startBackend, type BackendProcess } from '../../fixtures/backend-process.js';
import { startTcpProxy } from '../../fixtures/tcp-proxy.js';
import { tiny, waitForState } from '../../fixtures/environments.js';

/** A cell's outputs as the test sees them, with a way to await one that has not come yet. */
class TestSink implements CellSink {
  outputs: CellOutput[] = [];
  private waiters: { test: () => boolean; resolve: () => void }[] = [];

  add(output: CellOutput): void {
    this.outputs.push(output);
    this.check();
  }
  update(output: CellOutput): void {
    this.outputs = this.outputs.map((o) => (o.id === output.id ? output : o));
    this.check();
  }
  clear(): void {
    this.outputs = [];
  }

  item(mime: string): Uint8Array | undefined {
    return this.outputs.flatMap((o) => o.items).find((i) => i.mime === mime)?.data;
  }
  text(mime: string): string | undefined {
    const data = this.item(mime);
    return data && new TextDecoder().decode(data);
  }
  /** The last error output (the kernel's, or ours after it). */
  error(): { name: string; message: string; stack: string } | undefined {
    const data = this.outputs.flatMap((o) => o.items).filter((i) => i.mime === ERROR_MIME).at(-1)?.data;
    return data && (JSON.parse(new TextDecoder().decode(data)) as { name: string; message: string; stack: string });
  }
  /** Resolves once some stdout contains `text`. */
  printed(text: string): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push({ test: () => (this.text(STDOUT_MIME) ?? '').includes(text), resolve });
      this.check();
    });
  }
  private check(): void {
    this.waiters = this.waiters.filter((w) => (w.test() ? (w.resolve(), false) : true));
  }
}

// eslint-disable-next-line no-control-regex
const withoutAnsi = (text: string): string => text.replace(/\x1b\[[0-9;]*m/g, '');

/**
 * The notebook scenarios of the kernel client against a real backend and a real environment on
 * `driverArgs`: each cell goes through the backend's Jupyter proxy, as it does from the editor.
 */
export function notebookCases(driverArgs: string[], envName: string): void {
  let backend: BackendProcess;
  let client: ApiClient;
  let envId: string;
  let kernel: KernelSession;

  const newSession = ({
    url = backend.url,
    path: notebookPath = 'notebooks/sample.ipynb',
    firstAnswerMs,
    beforeStart,
  }: { url?: string; path?: string; firstAnswerMs?: number; beforeStart?: () => Promise<void> } = {}): KernelSession =>
    new KernelSession({
      firstAnswerMs,
      beforeStart,
      target: { baseUrl: `${url}/api/v1/environments/${envId}/jupyter/`, authorization: `Bearer ${backend.token}` },
      path: notebookPath,
      envName,
      environmentRunning: async () => (await client.call('getEnvironment', { params: { id: envId } })).state === 'running',
    });

  const run = async (code: string, session = kernel): Promise<{ end: CellEnd | undefined; sink: TestSink }> => {
    const sink = new TestSink();
    const end = await session.execute(code, sink);
    return { end, sink };
  };

  beforeAll(async () => {
    backend = await startBackend({ args: driverArgs });
    client = new ApiClient({ url: backend.url, token: backend.token });
    const created = await client.call('createEnvironment', { body: { name: envName, image: 'python-cpu', ...tiny, cpus: 0.5, memoryMiB: 1024 } });
    envId = created.id;
    expect((await waitForState(client, envId, ['running', 'failed'])).state).toBe('running');
    kernel = newSession();
  });
  afterAll(async () => {
    await kernel?.shutdown().catch(() => undefined);
    for (const env of (await client.call('listEnvironments')).items) await client.call('deleteEnvironment', { params: { id: env.id }, query: { purge: 'true' } });
    await client.close();
    await backend.stop();
  });

  it('streams what a cell prints, numbered by the kernel', async () => {
    const { end, sink } = await run('print("hello from the kernel")\nimport sys; print("oops", file=sys.stderr)');
    expect(end).toEqual({ success: true, executionCount: 1 });
    expect(sink.text(STDOUT_MIME)).toBe('hello from the kernel\n');
    expect(sink.text('application/vnd.code.notebook.stderr')).toBe('oops\n');
    expect(kernel.started).toBe(true);
  });

  it('returns a DataFrame as HTML (with its text form as the fallback)', async () => {
    const { end, sink } = await run('import pandas as pd\npd.DataFrame({"a": [1, 2], "b": ["x", "y"]})');
    expect(end).toEqual({ success: true, executionCount: 2 });
    expect(sink.text('text/html')).toMatch(/<table[\s\S]*<th>a<\/th>/);
    expect(sink.text('text/plain')).toContain('a  b');
  });

  it('shows a matplotlib plot as a PNG', async () => {
    const { end, sink } = await run('%matplotlib inline\nimport matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\nplt.show()');
    expect(end?.success).toBe(true);
    const png = sink.item('image/png');
    expect(png && Buffer.from(png.subarray(0, 8)).toString('hex')).toBe('89504e470d0a1a0a');
  });

  it('ends a cell that raises with the exception and a traceback naming the line', async () => {
    const { end, sink } = await run('def f():\n    return 1 / 0\n\nx = 1\nf()');
    expect(end).toMatchObject({ success: false, executionCount: 4, error: { ename: 'ZeroDivisionError', evalue: 'division by zero' } });
    // what the Problems panel shows: the exception at the cell's line that raised (inside f)
    expect(cellEndProblem(end)).toEqual({ message: 'ZeroDivisionError: division by zero', exceptionType: 'ZeroDivisionError', cellLine: 2 });
    const error = sink.error()!;
    expect(error).toMatchObject({ name: 'ZeroDivisionError', message: 'division by zero' });
    const stack = withoutAnsi(error.stack);
    expect(stack).toMatch(/----> 5 f\(\)/);
    expect(stack).toMatch(/----> 2 +return 1 \/ 0/);
  });

  it('interrupts a cell that loops forever (KeyboardInterrupt) and keeps the kernel', async () => {
    const sink = new TestSink();
    const ended = kernel.execute('print("looping", flush=True)\nwhile True:\n    pass', sink);
    await sink.printed('looping');
    await kernel.interrupt();
    expect((await ended)?.success).toBe(false);
    expect(sink.error()?.name).toBe('KeyboardInterrupt');
    expect((await run('y = 41\ny + 1')).sink.text('text/plain')).toBe('42');
  });

  it('restarts the kernel: variables are gone and numbering starts again', async () => {
    await kernel.restart();
    const { end, sink } = await run('"y" in dir()');
    expect(end).toEqual({ success: true, executionCount: 1 });
    expect(sink.text('text/plain')).toBe('False');
  });

  it('runs a workspace notebook in its synced folder: sibling modules and data load, a module\'s error maps to its file, a restart syncs edits', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'mlwb-nb-'));
    const module = path.join(folder, 'notebooks', 'stats.py');
    mkdirSync(path.dirname(module));
    writeFileSync(module, 'def mean(values):\n    return sum(values) / len(values)\n');
    writeFileSync(path.join(folder, 'notebooks', 'data.csv'), 'x\n1\n2\n');
    let syncs = 0;
    const workspace = new NotebookWorkspace(
      { label: 'notebooks/analysis.ipynb', file: path.join(folder, 'notebooks', 'analysis.ipynb'), folder },
      async (local) => (syncs++, (await syncWorkspace(client, envId, local)).root),
    );
    const session = newSession({ path: workspace.kernelPath, beforeStart: () => workspace.sync() });
    try {
      const cwd = await run('import os\nprint(os.getcwd())', session);
      expect(syncs).toBe(1);
      expect(cwd.sink.text(STDOUT_MIME)?.trim()).toBe(workspace.mapping?.envCwd);
      expect(workspace.mapping?.envCwd).toMatch(new RegExp(`/${path.basename(folder).toLowerCase()}/notebooks$`));

      const loaded = await run('from stats import mean\nimport csv\nprint(mean([float(r["x"]) for r in csv.DictReader(open("data.csv"))]))', session);
      expect(loaded.sink.text(STDOUT_MIME)).toBe('1.5\n');

      const failed = await run('values = []\nmean(values)', session);
      expect(cellEndProblem(failed.end, workspace.mapping)).toMatchObject({
        message: 'ZeroDivisionError: division by zero',
        cellLine: 2,
        inWorkspace: { file: module, line: 2 },
      });

      writeFileSync(module, 'def mean(values):\n    return "edited"\n');
      await session.restart();
      expect(syncs).toBe(2);
      expect((await run('from stats import mean\nmean([1])', session)).sink.text('text/plain')).toBe("'edited'");
    } finally {
      await session.shutdown();
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('ends a cell whose connection drops with a message saying so, and the next cell reconnects to the same kernel', async () => {
    const link = await startTcpProxy(backend.url);
    const session = newSession({ url: link.url });
    try {
      expect((await run('kept = "still here"', session)).end?.success).toBe(true);
      const sink = new TestSink();
      const ended = session.execute('import time\nprint("sleeping", flush=True)\ntime.sleep(2)', sink);
      await sink.printed('sleeping');
      link.cutAll();
      expect((await ended)?.success).toBe(false);
      expect(sink.error()).toMatchObject({ name: 'ConnectionLost', message: expect.stringContaining(`The connection to the kernel in ${envName} was lost`) });
      const again = await run('kept', session);
      expect(again.sink.text('text/plain')).toBe("'still here'");
    } finally {
      await session.shutdown();
      await link.close();
    }
  });

  it('ends a cell whose kernel was shut down from elsewhere, and the next cell starts a new kernel', async () => {
    const session = newSession({ path: 'notebooks/other.ipynb', firstAnswerMs: 2000 });
    try {
      await run('gone = 1', session);
      const base = `${backend.url}/api/v1/environments/${envId}/jupyter/api/sessions`;
      const auth = { authorization: `Bearer ${backend.token}` };
      const sessions = (await (await fetch(base, { headers: auth })).json()) as { id: string; path: string }[];
      const mine = sessions.filter((s) => s.path.startsWith('notebooks/other.ipynb#'));
      expect(mine).toHaveLength(1);
      expect((await fetch(`${base}/${mine[0]!.id}`, { method: 'DELETE', headers: auth })).status).toBe(204);
      const cut = await run('gone', session);
      expect(cut.sink.error()).toMatchObject({ name: 'KernelGone' });
      const fresh = await run('"gone" in dir()', session);
      expect(fresh.end).toEqual({ success: true, executionCount: 1 });
    } finally {
      await session.shutdown();
    }
  });

  it('ends a running cell with a clear message when the environment stops, and runs again once it is back', async () => {
    const sink = new TestSink();
    const ended = kernel.execute('import time\nprint("waiting", flush=True)\nwhile True:\n    time.sleep(0.1)', sink);
    await sink.printed('waiting');
    await client.call('stopEnvironment', { params: { id: envId } });
    expect((await ended)?.success).toBe(false);
    expect(sink.error()).toMatchObject({ name: 'EnvironmentStopped', message: `The environment ${envName} stopped while this cell was running.` });

    await client.call('startEnvironment', { params: { id: envId } });
    await waitForState(client, envId, ['running']);
    const again = await run('1 + 1');
    expect(again.end).toEqual({ success: true, executionCount: 1 });
    expect(again.sink.text('text/plain')).toBe('2');
  }, 240_000); // a stop and a start: slow on a loaded machine
}
