import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiClient, EventStream, type StreamState } from '../../../backend/src/client/index.js';
import type { Me, Topic } from '../../../backend/src/protocol/index.js';
import type { ConnectionEvent, Endpoint, Remedy, ServerDetails } from './connection.js';
import { describeExit, EmbeddedBackend, type EmbeddedExit } from './embedded.js';
import { describeFailure, SettingsError } from './failure.js';
import { launchEmbedded, type Launched } from './launch.js';
import { parseBackendLine, type Logger } from './logLine.js';
import { MIN_NODE_MAJOR, NodeNotFoundError, nodeMajor, resolveNode, type NodeHost } from './nodeRuntime.js';
import { probeBackend } from './probe.js';
import { ownerGone } from './serverLock.js';
import { checkBackendUrl, type BackendSettings } from './settings.js';
import { agreeOnToken, embeddedToken, replaceToken, tokenRevoked, type EmbeddedTokenStore } from './token.js';

/**
 * What the connection follows from the start; features subscribe to more topics as they come.
 * The views' resource topics are here so that the stream follows them before a view lists them:
 * no change can fall between the list and the events.
 */
const BASE_TOPICS: Topic[] = ['users', 'tokens', 'environments', 'jobs', 'datasets'];

export interface SessionDeps {
  settings: BackendSettings;
  /** The extension's folder: the bundled backend is `dist/backend/cli.js` in it. */
  extensionPath: string;
  /** The extension's global storage folder: the embedded backend keeps its data in `backend/` there. */
  storagePath: string;
  logger: Logger;
  /** The token for a remote backend (the editor's secret storage, else MLWB_TOKEN as for the CLI). */
  remoteToken(): Promise<string | undefined>;
  /** The embedded backend's admin token, the same for every window (the editor's secret storage). */
  embeddedToken: EmbeddedTokenStore;
  nodeHost: Omit<NodeHost, 'configured'>;
}

interface Target {
  endpoint: Endpoint;
  token: string;
  ca?: string;
}

/** How often a window attached to another window's backend checks, while its event stream is down, whether that backend is gone. */
const OWNER_CHECK_MS = 1_000;

export function serverDetails(me: Me): ServerDetails {
  return { user: me.user.name, role: me.user.role, version: me.server.version, driver: me.server.driver, tls: me.server.tls };
}

/**
 * One attempt to use a backend: start it (embedded) or find it (remote), ask who we are, then follow
 * its event stream. Everything it opens, it closes; once closed it reports nothing more.
 */
export class Session {
  private backend: EmbeddedBackend | undefined;
  private client: ApiClient | undefined;
  private stream: EventStream | undefined;
  private ownerCheck: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly deps: SessionDeps,
    private readonly emit: (event: ConnectionEvent) => void,
    /** The embedded backend that another window started is gone: a new session should start (or find) one. */
    private readonly lost: () => void = () => undefined,
  ) {}

  get api(): ApiClient | undefined {
    return this.closed ? undefined : this.client;
  }

  get events(): EventStream | undefined {
    return this.closed ? undefined : this.stream;
  }

  /** Never throws: a failure is reported as a 'failed' event. */
  async open(): Promise<void> {
    try {
      const target = this.deps.settings.url ? await this.remote() : await this.embedded();
      this.client = new ApiClient({ url: target.endpoint.url, token: target.token, ca: target.ca });
      await this.identify();
      if (!this.closed) this.follow(target);
    } catch (error) {
      this.fail(error);
    }
  }

  /** Stops the embedded backend only when this session started it: an attached one belongs to another window. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.ownerCheck);
    this.stream?.close();
    await this.client?.close();
    await this.backend?.stop();
  }

  private async remote(): Promise<Target> {
    const { url, caFile } = this.deps.settings;
    const problem = checkBackendUrl(url);
    if (problem) throw new SettingsError(`"mlwb.backend.url" is not valid: ${problem}`);
    const endpoint: Endpoint = { mode: 'remote', url };
    this.emit({ type: 'dialing', endpoint });
    const token = await this.deps.remoteToken();
    if (!token) throw new SettingsError(`no token is set for ${url}`, 'setToken');
    return { endpoint, token, ca: caFile ? await readCa(caFile) : undefined };
  }

  private async embedded(): Promise<Target> {
    const { settings, extensionPath, storagePath, logger, nodeHost } = this.deps;
    this.emit({ type: 'starting' });
    const cliPath = join(extensionPath, 'dist', 'backend', 'cli.js');
    if (!existsSync(cliPath)) throw new Error(`the bundled backend is missing (${cliPath})`);
    const node = await resolveNode({ ...nodeHost, configured: settings.nodePath });
    // The host's own Node is known to fit; any other one is asked for its version first.
    const major = node === nodeHost.execPath ? MIN_NODE_MAJOR : await nodeMajor(node);
    if (major < MIN_NODE_MAJOR) throw new NodeNotFoundError(`${node} is Node.js ${major}; the backend needs ${MIN_NODE_MAJOR} or later`);
    const dataDir = join(storagePath, 'backend');
    await mkdir(dataDir, { recursive: true });
    if (this.closed) throw new Error('cancelled');

    logger.log({ level: 'info', message: `starting the embedded backend with ${node} (data in ${dataDir}, driver ${settings.driver})` });
    const { launched, token } = await this.launch(node, cliPath, dataDir);
    if (launched.role === 'owner') {
      logger.log({ level: 'info', message: `embedded backend ${launched.version} listening on ${launched.url} (pid ${launched.pid ?? '?'})` });
      // Another window that raced this one may have stored a token of its own meanwhile: the backend's is the one to keep.
      if ((await this.deps.embeddedToken.get()) !== token) await this.deps.embeddedToken.store(token);
      return this.dialing({ mode: 'embedded', url: launched.url, dataDir, pid: launched.pid, attached: false }, token);
    }
    this.backend = undefined; // the process this session spawned only said who owns the data directory, and exited
    logger.log({ level: 'info', message: `using the embedded backend ${launched.version} that another window started, at ${launched.url} (pid ${launched.pid})` });
    const agreed = await agreeOnToken(launched.url, token, this.deps.embeddedToken, () => this.closed);
    return this.dialing({ mode: 'embedded', url: launched.url, dataDir, pid: launched.pid, attached: true }, agreed);
  }

  private dialing(endpoint: Endpoint, token: string): Target {
    this.emit({ type: 'dialing', endpoint });
    return { endpoint, token };
  }

  /** Starts the backend, or finds the one running on the data directory, with the shared token (a new one if the backend revoked it). */
  private async launch(node: string, cliPath: string, dataDir: string): Promise<{ launched: Launched; token: string }> {
    const token = await embeddedToken(this.deps.embeddedToken);
    const start = (secret: string): Promise<Launched> =>
      launchEmbedded({ dataDir, create: () => this.spawnBackend(node, cliPath, dataDir, secret), cancelled: () => this.closed });
    try {
      return { launched: await start(token), token };
    } catch (error) {
      if (!tokenRevoked(error)) throw error;
      this.deps.logger.log({ level: 'warn', message: 'the stored admin token of the embedded backend was revoked; starting it with a new one' });
      const fresh = await replaceToken(this.deps.embeddedToken);
      return { launched: await start(fresh), token: fresh };
    }
  }

  private spawnBackend(node: string, cliPath: string, dataDir: string, token: string): EmbeddedBackend {
    const backend: EmbeddedBackend = new EmbeddedBackend(
      { node, cliPath, dataDir, driver: this.deps.settings.driver, token },
      {
        line: (text, stream) => this.deps.logger.log(parseBackendLine(text, stream)),
        exit: (exit) => {
          if (this.backend === backend) this.onBackendExit(exit);
        },
      },
    );
    this.backend = backend;
    return backend;
  }

  private async identify(): Promise<void> {
    const me = await this.client?.call('me');
    if (me && !this.closed) this.emit({ type: 'identified', server: serverDetails(me) });
  }

  private follow(target: Target): void {
    const stream = new EventStream({ url: target.endpoint.url, token: target.token, ca: target.ca, topics: BASE_TOPICS });
    this.stream = stream;
    let lost = false;
    stream.on('state', (state) => {
      if (this.closed) return;
      this.watchOwner(target.endpoint, state);
      if (state === 'reconnecting') {
        lost = true;
        this.emit({ type: 'streamLost' });
      } else if (state === 'open') {
        this.emit({ type: 'streamOpen' });
        // The server may have been restarted or upgraded while we were away.
        if (lost) this.identify().catch((error: unknown) => this.fail(error));
        lost = false;
      }
    });
    stream.start();
  }

  /**
   * While the event stream of another window's backend is down, checks whether that backend is
   * gone (its process ended, its lock was released or taken over, or its port refuses connections):
   * then this window cannot wait for it to come back, and starts or finds a new one.
   */
  private watchOwner(endpoint: Endpoint, state: StreamState): void {
    const { attached, pid, dataDir, url } = endpoint;
    if (state !== 'reconnecting') {
      clearTimeout(this.ownerCheck);
      this.ownerCheck = undefined;
      return;
    }
    if (!attached || pid === undefined || dataDir === undefined || this.ownerCheck) return;
    const check = async (): Promise<void> => {
      const gone = (await ownerGone(dataDir, pid)) || (await probeBackend(url)) === 'refused';
      // Stale: the session closed, or the stream came back (and maybe went down again) meanwhile.
      if (this.closed || this.ownerCheck !== timer) return;
      if (!gone) {
        this.ownerCheck = timer = setTimeout(() => void check(), OWNER_CHECK_MS);
        return;
      }
      this.ownerCheck = undefined;
      this.deps.logger.log({ level: 'warn', message: `the embedded backend that another window started (pid ${pid}) is gone; starting or finding another` });
      this.lost();
    };
    let timer = setTimeout(() => void check(), 0);
    this.ownerCheck = timer;
  }

  private onBackendExit(exit: EmbeddedExit): void {
    if (this.closed || exit.expected) return;
    this.stream?.close();
    this.fail(new Error(`the embedded backend stopped unexpectedly (${describeExit(exit.code, exit.signal)})`), 'restart');
  }

  private fail(error: unknown, remedy?: Remedy): void {
    if (this.closed) return;
    const failure = describeFailure(error);
    // The embedded backend and its token are ours: when it cannot be reached or refuses the token, starting afresh is what helps.
    const embeddedRestart = !this.deps.settings.url && (failure.remedy === 'setToken' || failure.remedy === 'reconnect');
    const fix = remedy ?? (embeddedRestart ? 'restart' : failure.remedy);
    this.deps.logger.log({ level: 'error', message: failure.reason });
    this.emit({ type: 'failed', reason: failure.reason, remedy: fix });
  }
}

async function readCa(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new SettingsError(`cannot read "mlwb.backend.caFile" (${file}): ${(error as Error).message}`);
  }
}
