import type { ApiClient, EventStream } from '../../../backend/src/client/index.js';
import { Connection, type ConnectionState } from './connection.js';
import type { Logger } from './logLine.js';
import { Session, type SessionDeps } from './session.js';
import type { BackendSettings } from './settings.js';

export interface ControllerDeps extends Omit<SessionDeps, 'settings'> {
  /** Read again at every (re)connect, so changed settings take effect. */
  settings(): BackendSettings;
}

/** Owns the one current session and the connection state that the UI shows. */
export class ConnectionController {
  readonly connection = new Connection();
  private session: Session | undefined;

  constructor(private readonly deps: ControllerDeps) {
    this.connection.onDidChange((state) => logState(deps.logger, state));
  }

  get state(): ConnectionState {
    return this.connection.state;
  }

  /** The client of the connected backend; undefined while there is none. */
  get client(): ApiClient | undefined {
    return this.session?.api;
  }

  get events(): EventStream | undefined {
    return this.session?.events;
  }

  /**
   * Closes the current session (stopping the embedded backend if this window started it) and opens
   * a new one with the current settings. Never throws: a failure ends in the 'down' state.
   */
  async connect(): Promise<void> {
    const previous = this.session;
    const session: Session = new Session(
      { ...this.deps, settings: this.deps.settings() },
      (event) => {
        if (this.session === session) this.connection.dispatch(event);
      },
      // Another window's backend, which this one used, is gone: start one, or use the one a third window just started.
      () => {
        if (this.session === session) void this.connect();
      },
    );
    this.session = session;
    await previous?.close();
    // Another connect() may have started while the previous session was closing: it wins.
    if (this.session === session) await session.open();
  }

  async stop(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    await session?.close();
    this.connection.dispatch({ type: 'stopped' });
  }
}

function logState(logger: Logger, state: ConnectionState): void {
  switch (state.status) {
    case 'connected':
      logger.log({ level: 'info', message: `connected to ${state.endpoint.url} as ${state.server.user} (server ${state.server.version}, driver ${state.server.driver})` });
      break;
    case 'reconnecting':
      logger.log({ level: 'warn', message: `lost the event stream of ${state.endpoint.url}; reconnecting` });
      break;
    default:
      logger.log({ level: 'debug', message: `connection: ${state.status}` });
  }
}
