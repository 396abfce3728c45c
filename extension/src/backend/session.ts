import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiClient, EventStream } from '../../../backend/src/client/index.js';
import type { Me, Topic } from '../../../backend/src/protocol/index.js';
import type { ConnectionEvent, Endpoint, Remedy, ServerDetails } from './connection.js';
import { describeExit, EmbeddedBackend, type EmbeddedExit } from './embedded.js';
import { describeFailure, SettingsError } from './failure.js';
import { parseBackendLine, type Logger } from './logLine.js';
import { MIN_NODE_MAJOR, NodeNotFoundError, nodeMajor, resolveNode, type NodeHost } from './nodeRuntime.js';
import { checkBackendUrl, type BackendSettings } from './settings.js';
import { generateToken } from './token.js';

/** What the connection follows from the start; features subscribe to more topics as they come. */
const BASE_TOPICS: Topic[] = ['users', 'tokens'];

export interface SessionDeps {
  settings: BackendSettings;
  /** The extension's folder: the bundled backend is `dist/backend/cli.js` in it. */
  extensionPath: string;
  /** The extension's global storage folder: the embedded backend keeps its data in `backend/` there. */
  storagePath: string;
  logger: Logger;
  /** The token for a remote backend (the editor's secret storage, else MLWB_TOKEN as for the CLI). */
  remoteToken(): Promise<string | undefined>;
  nodeHost: Omit<NodeHost, 'configured'>;
}

interface Target {
  endpoint: Endpoint;
  token: string;
  ca?: string;
}

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
  private closed = false;

  constructor(
    private readonly deps: SessionDeps,
    private readonly emit: (event: ConnectionEvent) => void,
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

  async close(): Promise<void> {
    this.closed = true;
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

    const token = generateToken();
    const backend = new EmbeddedBackend(
      { node, cliPath, dataDir, driver: settings.driver, token },
      { line: (text, stream) => logger.log(parseBackendLine(text, stream)), exit: (exit) => this.onBackendExit(exit) },
    );
    this.backend = backend;
    logger.log({ level: 'info', message: `starting the embedded backend with ${node} (data in ${dataDir}, driver ${settings.driver})` });
    const ready = await backend.start();
    logger.log({ level: 'info', message: `embedded backend ${ready.version} listening on ${ready.url} (pid ${backend.pid ?? '?'})` });
    const endpoint: Endpoint = { mode: 'embedded', url: ready.url, dataDir, pid: backend.pid };
    this.emit({ type: 'dialing', endpoint });
    return { endpoint, token };
  }

  private async identify(): Promise<void> {
    // `{}`: the client's typing asks for an input object even for routes without params, query or body.
    const me = await this.client?.call('me', {});
    if (me && !this.closed) this.emit({ type: 'identified', server: serverDetails(me) });
  }

  private follow(target: Target): void {
    const stream = new EventStream({ url: target.endpoint.url, token: target.token, ca: target.ca, topics: BASE_TOPICS });
    this.stream = stream;
    let lost = false;
    stream.on('state', (state) => {
      if (this.closed) return;
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
