import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../backend/src/images/catalog.js';
import { BackendLink } from '../../../extension/src/backend/link.js';
import { createBody, imageChoices } from '../../../extension/src/environments/createForm.js';
import { LogFollower } from '../../../extension/src/environments/logFollower.js';
import { EnvironmentsModel } from '../../../extension/src/environments/model.js';
import { ResourceMonitor } from '../../../extension/src/environments/monitor.js';
import { modelStartupSource, StartupError, StartupTracker } from '../../../extension/src/environments/progress.js';
import { LineShell, shellCommand } from '../../../extension/src/environments/shell.js';
import { startBackend, type BackendProcess } from '../../fixtures/backend-process.js';
import { dockerUnavailable } from '../../fixtures/docker.js';
import { is, windowController, type TestWindow } from '../../fixtures/extension/window.js';

// The Environments view's logic (model, startup tracker, log follower, shell, monitor) against the
// real backend process with the Docker driver, through the extension's own connection controller.
const catalog = await loadCatalog(resolve(__dirname, '../../../devcontainer-images'));
const image = catalog.get('python-cpu')!;
const skip = await dockerUnavailable(image.tag);

/** Resolves once the model satisfies `check`, re-checked on every change. */
function until<T>(model: EnvironmentsModel, check: () => T | undefined, what: string, timeoutMs = 60_000): Promise<T> {
  const now = check();
  if (now !== undefined) return Promise.resolve(now);
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => (off(), reject(new Error(`timed out waiting for ${what}`))), timeoutMs);
    const off = model.onDidChange(() => {
      const value = check();
      if (value === undefined) return;
      clearTimeout(timer);
      off();
      resolvePromise(value);
    });
  });
}

describe.skipIf(skip)(`Environments UI logic against the real backend on Docker (${skip ?? image.tag})`, () => {
  let backend: BackendProcess;
  let window: TestWindow;
  let link: BackendLink;
  let model: EnvironmentsModel;
  const api = () => link.current!.api;

  beforeAll(async () => {
    backend = await startBackend({ args: ['--driver', 'docker'] });
    window = windowController({ settings: { url: backend.url }, remoteToken: backend.token });
    await window.controller.connect();
    expect(await window.controller.connection.when(is('connected', 'down'))).toMatchObject({ status: 'connected' });
    link = new BackendLink(window.controller);
    model = new EnvironmentsModel(link);
    await until(model, () => (model.status.status === 'ready' ? true : undefined), 'the first list');
  });

  afterAll(async () => {
    for (const env of model?.items ?? []) await api().call('deleteEnvironment', { params: { id: env.id }, query: { purge: 'true' } });
    model?.dispose();
    link?.dispose();
    await window?.controller.stop();
    await backend?.stop();
  });

  it('offers the built image, follows a new environment to running, and shows its log, figures and a shell', async () => {
    const { items: images } = await api().call('listImages');
    expect(imageChoices(images).find((c) => c.image.name === 'python-cpu')).toMatchObject({ label: '$(package) python-cpu' });

    const created = await api().call('createEnvironment', {
      body: createBody({ name: 'ui-basic', image: 'python-cpu', cpus: 0.1, memoryMiB: 512, gpus: 0, apt: [], pip: [] }, false),
    });
    // The created event reaches the model without a refetch.
    await until(model, () => model.get(created.id), 'the created event');
    expect(model.get(created.id)?.state).toBe('stopped');

    const logLines: string[] = [];
    let onLine: ((line: string) => void) | undefined;
    const follower = new LogFollower(link.current!, created.id, (line) => {
      logLines.push(line);
      onLine?.(line);
    });
    await follower.start();

    const messages: string[] = [];
    const started = await api().call('startEnvironment', { params: { id: created.id } });
    model.upsert(started);
    const running = await new StartupTracker(modelStartupSource(model, link), started, (m) => messages.push(m)).done;
    expect(running.state).toBe('running');
    expect(messages.at(-1)).toMatch(/^(starting|#1 in queue|building the image)/);
    await until(model, () => (model.get(created.id)?.state === 'running' ? true : undefined), 'running in the model');

    // Figures, as the status bar shows them.
    const monitor = new ResourceMonitor(
      {
        environments: () => model.items,
        onDidChangeEnvironments: (fn) => model.onDidChange(fn),
        fetchStats: (id) => api().call('environmentStats', { params: { id } }),
        remembered: { get: () => undefined, set: () => undefined },
      },
      true,
    );
    const view = await new Promise<{ text: string }>((resolveView) => {
      const off = monitor.onDidChange((v) => {
        if (v.hidden || !/%/.test(v.text)) return;
        off();
        resolveView(v);
      });
    });
    monitor.dispose();
    expect(view.text).toMatch(/^\$\(pulse\) ui-basic \d+% · \d+\.\d\/0\.5 GiB$/);

    // A line typed in the terminal runs in the environment's shell.
    let output = '';
    const done = new Promise<void>((resolveShell) => {
      const shell = new LineShell('ui-basic', {
        run: (line) => api().call('execEnvironment', { params: { id: created.id }, body: { command: shellCommand(line) } }),
        write: (text) => {
          output += text;
          if (output.includes('HELLO FROM')) resolveShell();
        },
        close: () => undefined,
        describeError: String,
      });
      shell.open();
      shell.input('echo hello from $(whoami) | tr a-z A-Z\r');
    });
    await done;
    expect(output).toContain('HELLO FROM MLWB');

    // The log: a channel opened later starts with the tail (Jupyter's start-up lines), and one
    // open all along gets the container's new lines live (starting a kernel logs one).
    const tail: string[] = [];
    const late = new LogFollower(link.current!, created.id, (line) => tail.push(line));
    await late.start();
    late.dispose();
    expect(tail.join('\n')).toMatch(/jupyter/i);
    const kernelLogged = new Promise<void>((resolveLog) => {
      onLine = (line) => {
        if (/kernel/i.test(line)) resolveLog();
      };
    });
    const kernel = await fetch(`${backend.url}/api/v1/environments/${created.id}/jupyter/api/kernels`, {
      method: 'POST',
      headers: { authorization: `Bearer ${backend.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'python3' }),
    });
    expect(kernel.status).toBe(201);
    await kernelLogged;
    follower.dispose();

    // Stop and delete reach the model as events.
    await api().call('stopEnvironment', { params: { id: created.id } });
    await until(model, () => (model.get(created.id)?.state === 'stopped' ? true : undefined), 'stopped in the model');
    await api().call('deleteEnvironment', { params: { id: created.id }, query: { purge: 'true' } });
    await until(model, () => (model.get(created.id) ? undefined : true), 'the deleted event');
  });

  it('ends the wait with the reason when the build fails', async () => {
    const created = await api().call('createEnvironment', {
      body: createBody({ name: 'ui-bad-pkg', image: 'python-cpu', cpus: 0.1, memoryMiB: 256, gpus: 0, apt: ['mlwb-no-such-package'], pip: [] }),
    });
    model.upsert(created);
    const lines: string[] = [];
    const error = await new StartupTracker(modelStartupSource(model, link), created, (m) => lines.push(m)).done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StartupError);
    expect(error).toMatchObject({ outcome: 'failed', reason: expect.stringMatching(/\S/) });
    expect(model.get(created.id)).toMatchObject({ state: 'failed', reason: (error as StartupError).reason });
    // The notification followed the build: its state, then its output without color codes.
    expect(lines).toContain('building the image…');
    expect(lines.some((l) => l.startsWith('building the image: Step '))).toBe(true);
    expect(lines.some((l) => l.includes(String.fromCharCode(27)))).toBe(false);
    expect((error as StartupError).message).not.toContain('\n');
  }, 600_000);
});
