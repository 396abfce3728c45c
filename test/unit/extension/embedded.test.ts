import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedBackend, EmbeddedStartError, serverArgs, type EmbeddedExit, type EmbeddedOptions } from '../../../extension/src/backend/embedded.js';
import { FAKE_URL, FAKE_VERSION, LineCollector, tempDir, writeFakeCli, type FakeMode } from '../../fixtures/extension/fakeBackend.js';

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
  it('binds to loopback on a free port and asks for the ready line', () => {
    expect(serverArgs({ cliPath: '/x/cli.js', dataDir: '/d', driver: 'docker' })).toEqual([
      '/x/cli.js', 'server', '--host', '127.0.0.1', '--port', '0', '--data-dir', '/d', '--driver', 'docker', '--ready-json',
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

  it('stops with one SIGTERM however often stop() is called, and reports the exit as expected', async () => {
    const { backend, lines, exited } = fake('ready');
    await backend.start();
    const first = backend.stop();
    await lines.waitFor('stdout: SIGTERM 1');
    // The fake takes a moment to shut down: a second signal now would be counted.
    await Promise.all([first, backend.stop()]);
    expect(backend.running).toBe(false);
    // Lines arrive in order: once "exiting" is read, a second SIGTERM's line would have been too.
    await lines.waitFor('stdout: exiting');
    expect(lines.lines).not.toContain('stdout: SIGTERM 2');
    await expect(exited).resolves.toEqual({ code: 0, signal: null, expected: true });
    await backend.stop();
  });

  it('kills a server that ignores SIGTERM once the grace period is over', async () => {
    const { backend, lines, exited } = fake('ignores-sigterm', { stopTimeoutMs: 200 });
    await backend.start();
    await backend.stop();
    await lines.waitFor('stdout: ignoring SIGTERM');
    await expect(exited).resolves.toMatchObject({ signal: 'SIGKILL', expected: true });
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
