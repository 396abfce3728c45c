import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedBackend, EmbeddedStartError, serverArgs, type EmbeddedExit, type EmbeddedOptions } from '../../../extension/src/backend/embedded.js';
import { FAKE_URL, FAKE_VERSION, LineCollector, tempDir, writeFakeCli, writeLock, type FakeMode } from '../../fixtures/extension/fakeBackend.js';

const TOKEN = 'mlwb_abcdefghijklmnopqrstuvwxyz012345';
const started: EmbeddedBackend[] = [];

interface Fake {
  backend: EmbeddedBackend;
  options: EmbeddedOptions;
  lines: LineCollector;
  /** Resolves with what the exit listener is told. */
  exited: Promise<EmbeddedExit>;
}

function fake(mode: FakeMode, overrides: Partial<EmbeddedOptions> = {}): Fake {
  const dir = tempDir();
  const lines = new LineCollector();
  let onExit: (exit: EmbeddedExit) => void = () => undefined;
  const exited = new Promise<EmbeddedExit>((resolve) => (onExit = resolve));
  const options: EmbeddedOptions = {
    node: process.execPath,
    cliPath: writeFakeCli(join(dir, 'cli.js'), mode),
    dataDir: join(dir, 'data'),
    driver: 'local',
    token: TOKEN,
    ...overrides,
  };
  const backend = new EmbeddedBackend(options, {
    line: (text, stream) => lines.add(`${stream}: ${text}`),
    exit: (exit) => onExit(exit),
  });
  started.push(backend);
  return { backend, options, lines, exited };
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((b) => b.stop()));
});

describe('serverArgs', () => {
  it('binds to loopback on a free port, asks for the ready line, and ties the server to its stdin', () => {
    expect(serverArgs({ cliPath: '/x/cli.js', dataDir: '/d', driver: 'docker' })).toEqual([
      '/x/cli.js', 'server', '--host', '127.0.0.1', '--port', '0', '--data-dir', '/d', '--driver', 'docker', '--ready-json', '--stop-on-stdin-end',
    ]);
  });
});

describe('EmbeddedBackend with a fake server process', () => {
  it('resolves with the announced URL and passes the command line and token', async () => {
    const { backend, options, lines } = fake('ready');
    await expect(backend.start()).resolves.toEqual({ mlwbReady: true, url: FAKE_URL, version: FAKE_VERSION });
    expect(backend.running).toBe(true);
    expect(backend.pid).toBeTypeOf('number');

    const echoed = lines.lines.find((l) => l.startsWith('stdout: {"argv"'));
    const { argv, token } = JSON.parse(echoed?.slice('stdout: '.length) ?? '{}') as { argv: string[]; token: string };
    // argv[0] of the script is the script itself; the rest is what serverArgs built.
    expect(argv).toEqual(serverArgs(options).slice(1));
    expect(token).toBe(TOKEN);
  });

  it('forwards every other line, stdout and stderr, but not the ready line', async () => {
    const { backend, lines } = fake('ready');
    await backend.start();
    // stdout and stderr are separate pipes: their lines arrive in no fixed order relative to each other.
    await Promise.all([lines.waitFor('stdout: after ready'), lines.waitFor('stderr: a warning on stderr')]);
    expect(lines.lines).toContain('stdout: fake backend starting');
    expect(lines.lines.some((l) => l.includes('mlwbReady'))).toBe(false);
  });

  it('stops it by closing its stdin, once however often stop() is called, and reports the exit as expected', async () => {
    const { backend, lines, exited } = fake('ready');
    await backend.start();
    const first = backend.stop();
    await lines.waitFor('stdout: stdin closed');
    // The fake takes a moment to shut down: a second stop request now would be seen.
    await Promise.all([first, backend.stop()]);
    expect(backend.running).toBe(false);
    // Lines arrive in order: once "exiting" is read, a signal's line would have been too.
    await lines.waitFor('stdout: exiting');
    expect(lines.lines.filter((l) => l === 'stdout: stdin closed')).toHaveLength(1);
    expect(lines.lines).not.toContain('stdout: SIGTERM');
    await expect(exited).resolves.toEqual({ code: 0, signal: null, expected: true });
    await backend.stop();
  });

  it('kills a server that ignores the stop once the grace period is over', async () => {
    const { backend, lines, exited } = fake('ignores-stop', { stopTimeoutMs: 200 });
    await backend.start();
    await backend.stop();
    await lines.waitFor('stdout: ignoring the stop');
    await expect(exited).resolves.toMatchObject({ signal: 'SIGKILL', expected: true });
  });

  it.skipIf(process.platform === 'win32')('runs the server as the leader of its own process group', async () => {
    const { backend } = fake('ready');
    await backend.start();
    // Signal 0 to a negative pid asks whether that process group exists.
    expect(() => process.kill(-(backend.pid ?? 0), 0)).not.toThrow();
  });

  it('resolves with the owner when another backend owns the data directory, and lets the process exit', async () => {
    const { backend, options, exited } = fake('respects-lock');
    writeLock(options.dataDir, { pid: process.pid, url: 'http://127.0.0.1:40001' });
    await expect(backend.start()).resolves.toMatchObject({ mlwbAlreadyRunning: true, pid: process.pid, url: 'http://127.0.0.1:40001' });
    await backend.stop();
    expect(backend.running).toBe(false);
    // It was never ready: its exit (code 3) is not an unexpected stop.
    const reported = await Promise.race([exited, new Promise((r) => setTimeout(() => r('not reported'), 200))]);
    expect(reported).toBe('not reported');
  });

  it('rejects with the exit code and the last stderr lines when the server exits before it is ready', async () => {
    const { backend } = fake('early-exit');
    const error = await backend.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmbeddedStartError);
    const startError = error as EmbeddedStartError;
    expect(startError.reason).toBe('exited');
    expect(startError.message).toContain('exit code 3');
    expect(startError.stderrTail.at(-1)).toBe('cannot open the store: disk full');
    expect(backend.running).toBe(false);
  });

  it('rejects with a timeout and stops a server that never becomes ready', async () => {
    const { backend } = fake('never-ready', { readyTimeoutMs: 300 });
    await expect(backend.start()).rejects.toMatchObject({ name: 'EmbeddedStartError', reason: 'timeout' });
    await backend.stop();
    expect(backend.running).toBe(false);
  });

  it('reports an unexpected exit after it was ready', async () => {
    const { backend, exited } = fake('crash-after-ready');
    await backend.start();
    await expect(exited).resolves.toEqual({ code: 7, signal: null, expected: false });
  });

  it('rejects with a spawn error when the Node executable does not exist', async () => {
    const { backend } = fake('ready', { node: join(tempDir(), 'no-such-node') });
    await expect(backend.start()).rejects.toMatchObject({ reason: 'spawn', message: expect.stringContaining('ENOENT') });
    await backend.stop();
  });

  it('cannot be started twice', async () => {
    const { backend } = fake('ready');
    await backend.start();
    expect(() => backend.start()).toThrow(/already started/);
  });
});
