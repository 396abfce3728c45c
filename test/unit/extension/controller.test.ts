import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionState } from '../../../extension/src/backend/connection.js';
import { ConnectionController, type ControllerDeps } from '../../../extension/src/backend/controller.js';
import type { LogLine } from '../../../extension/src/backend/logLine.js';
import type { BackendSettings } from '../../../extension/src/backend/settings.js';
import { memoryTokenStore, tempDir, writeFakeCli, type FakeMode } from '../../fixtures/extension/fakeBackend.js';

const controllers: ConnectionController[] = [];
afterEach(async () => {
  await Promise.all(controllers.splice(0).map((c) => c.stop()));
});

const settled = (s: ConnectionState): boolean => s.status === 'down' || s.status === 'connected';

interface Setup {
  controller: ConnectionController;
  logs: LogLine[];
  settings: BackendSettings;
  tokens: ReturnType<typeof memoryTokenStore>;
}

/** A controller over a temp extension folder; `fake` puts a fake server at dist/backend/cli.js. */
function setup(options: { fake?: FakeMode; settings?: Partial<BackendSettings>; token?: string } = {}): Setup {
  const extensionPath = tempDir();
  if (options.fake) writeFakeCli(join(extensionPath, 'dist', 'backend', 'cli.js'), options.fake);
  const settings: BackendSettings = { url: '', nodePath: '', driver: 'local', caFile: '', ...options.settings };
  const logs: LogLine[] = [];
  const tokens = memoryTokenStore();
  const deps: ControllerDeps = {
    settings: () => settings,
    extensionPath,
    storagePath: join(extensionPath, 'storage'),
    logger: { log: (line) => logs.push(line) },
    remoteToken: async () => options.token,
    embeddedToken: tokens,
    nodeHost: { execPath: process.execPath, electron: undefined, findOnPath: async () => undefined },
  };
  const controller = new ConnectionController(deps);
  controllers.push(controller);
  return { controller, logs, settings, tokens };
}

async function connectAndSettle(controller: ConnectionController): Promise<ConnectionState> {
  await controller.connect();
  return controller.connection.when(settled);
}

describe('ConnectionController, embedded backend', () => {
  it('goes down with Restart, naming the cause, when the server exits before it is ready', async () => {
    const { controller, logs } = setup({ fake: 'early-exit' });
    const seen: string[] = [];
    controller.connection.onDidChange((s) => seen.push(s.status));
    const state = await connectAndSettle(controller);
    expect(seen).toEqual(['starting', 'down']);
    expect(state).toMatchObject({ status: 'down', remedy: 'restart', reason: expect.stringContaining('cannot open the store: disk full') });
    // The server's own output reaches the log, stderr as warnings.
    expect(logs).toContainEqual({ level: 'warn', message: 'cannot open the store: disk full' });
  });

  it('starts the backend with the stored token, generated once and kept for the next start', async () => {
    const { controller, logs, tokens } = setup({ fake: 'crash-after-ready' });
    const tokenGiven = (): string[] => logs.flatMap((l) => /"token":"(\w+)"/.exec(l.message)?.[1] ?? []);
    await connectAndSettle(controller);
    const token = tokens.value;
    expect(token).toMatch(/^mlwb_/);
    expect(tokenGiven()).toEqual([token]);
    await connectAndSettle(controller);
    expect(tokenGiven()).toEqual([token, token]);
    expect(tokens.value).toBe(token);
  });

  it('goes down when the bundled backend is missing', async () => {
    const { controller } = setup();
    expect(await connectAndSettle(controller)).toMatchObject({ status: 'down', reason: expect.stringContaining('bundled backend is missing') });
  });

  it('goes down with Open Settings when the configured Node.js does not run', async () => {
    const { controller } = setup({ fake: 'ready', settings: { nodePath: join(tempDir(), 'no-node') } });
    expect(await connectAndSettle(controller)).toMatchObject({ status: 'down', remedy: 'configure', reason: expect.stringContaining('not a working Node.js') });
  });

  it('goes down with Restart when the server dies after it was ready', async () => {
    // The fake announces a URL where nothing listens, then exits: whichever is noticed first, the remedy is a restart.
    const { controller } = setup({ fake: 'crash-after-ready' });
    expect(await connectAndSettle(controller)).toMatchObject({ status: 'down', remedy: 'restart' });
  });

  it('a second connect() replaces the first attempt, and stop() goes idle', async () => {
    const { controller, settings } = setup({ fake: 'never-ready' });
    const first = controller.connect();
    await controller.connection.when((s) => s.status === 'starting');
    settings.url = 'https://mlwb.example.org';
    await Promise.all([first, controller.connect()]);
    expect(await controller.connection.when(settled)).toMatchObject({ status: 'down', remedy: 'setToken', endpoint: { mode: 'remote' } });
    await controller.stop();
    expect(controller.state).toEqual({ status: 'idle' });
    expect(controller.client).toBeUndefined();
  });
});

describe('ConnectionController, remote backend', () => {
  it('asks for a token when none is stored', async () => {
    const { controller } = setup({ settings: { url: 'https://mlwb.example.org' } });
    expect(await connectAndSettle(controller)).toEqual({
      status: 'down',
      reason: 'no token is set for https://mlwb.example.org',
      remedy: 'setToken',
      endpoint: { mode: 'remote', url: 'https://mlwb.example.org' },
      server: undefined,
    });
  });

  it('refuses a URL that is not http(s)', async () => {
    const { controller } = setup({ settings: { url: 'ftp://mlwb.example.org' }, token: 'x' });
    expect(await connectAndSettle(controller)).toMatchObject({ status: 'down', remedy: 'configure' });
  });

  it('offers Reconnect when nothing answers', async () => {
    const { controller } = setup({ settings: { url: 'http://127.0.0.1:1' }, token: 'mlwb_x' });
    expect(await connectAndSettle(controller)).toMatchObject({ status: 'down', remedy: 'reconnect', reason: expect.stringContaining('cannot reach') });
  });

  it('names the CA file it cannot read', async () => {
    const caFile = join(tempDir(), 'missing.pem');
    const { controller } = setup({ settings: { url: 'https://127.0.0.1:1', caFile }, token: 'mlwb_x' });
    expect(await connectAndSettle(controller)).toMatchObject({ status: 'down', remedy: 'configure', reason: expect.stringContaining(caFile) });
  });

  it('passes a readable CA file on to the client', async () => {
    const caFile = join(tempDir(), 'ca.pem');
    writeFileSync(caFile, 'not really a certificate');
    const { controller } = setup({ settings: { url: 'https://127.0.0.1:1', caFile }, token: 'mlwb_x' });
    // undici refuses the PEM (or the connection): either way it is a connection problem, not the settings.
    expect(await connectAndSettle(controller)).toMatchObject({ status: 'down', remedy: 'reconnect' });
  });
});
