import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { processAlive } from '../../../extension/src/backend/serverLock.js';
import { generateToken } from '../../../extension/src/backend/token.js';
import { tempDir } from '../../fixtures/extension/fakeBackend.js';
import { CLI } from '../../fixtures/extension/window.js';
import { RawEventsClient } from '../../fixtures/ws-client.js';

// An extension host that ends without deactivate() must not leave the embedded backend running:
// the backend stops when the pipe to its stdin closes, which the kernel does when its holder dies.
let supervisor = '';
beforeAll(async () => {
  supervisor = join(tempDir(), 'supervisor.cjs');
  await build({ entryPoints: [join(__dirname, '../../fixtures/extension/supervisor.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: supervisor, logLevel: 'silent' });
});

describe.skipIf(process.platform === 'win32')('the embedded backend and a supervisor that dies', () => {
  it.each([
    ['its supervisor alone is killed with SIGKILL', (pid: number) => process.kill(pid, 'SIGKILL')],
    // What a launcher stopping the editor does; the backend, in a group of its own, sees only its stdin close.
    ["the supervisor's whole process group gets SIGTERM", (pid: number) => process.kill(-pid, 'SIGTERM')],
  ])('shuts down gracefully when %s', async (_, kill) => {
    const dataDir = join(tempDir(), 'data');
    const token = generateToken();
    // detached: the supervisor leads a process group, as the editor does.
    const host = spawn(process.execPath, [supervisor, CLI, dataDir, token], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
    const [line] = (await once(createInterface({ input: host.stdout! }), 'line')) as [string];
    const { pid, url } = JSON.parse(line) as { pid: number; url: string };
    expect(processAlive(pid)).toBe(true);
    expect(existsSync(join(dataDir, 'server.lock'))).toBe(true);
    // Another window's event stream: a graceful shutdown closes it with 1001 and takes a moment to.
    const window = RawEventsClient.connect(url, token);
    await window.next('hello');

    const exited = once(host, 'exit');
    kill(host.pid!);
    await exited;
    await vi.waitFor(() => expect(processAlive(pid)).toBe(false), { timeout: 15_000, interval: 100 });
    expect((await window.closed).code).toBe(1001);
    // Only a graceful shutdown removes the lock: a killed backend, or one stopped twice ("exit now"), leaves it behind.
    expect(existsSync(join(dataDir, 'server.lock'))).toBe(false);
  });
});
