import type { ClientOptions } from '../../../backend/src/client/index.js';
import type { Environment } from '../../../backend/src/protocol/index.js';
import { jupyterUrl } from '../environments/jupyter.js';

/**
 * The Microsoft Jupyter extension's server-collection API (`@vscode/jupyter-extension`), written
 * without `vscode` so it can be tested here: `U` is its `Uri`. The glue checks at compile time that
 * the real API fits these shapes.
 */
export interface JupyterServer<U> {
  readonly id: string;
  readonly label: string;
  readonly connectionInformation?: { readonly baseUrl: U; readonly token?: string; readonly headers?: Record<string, string> };
}

export interface JupyterServerProvider<U> {
  onDidChangeServers?: (listener: () => unknown) => { dispose(): unknown };
  provideJupyterServers(token: unknown): JupyterServer<U>[] | undefined;
  resolveJupyterServer(server: JupyterServer<U>, token: unknown): JupyterServer<U> | undefined;
}

export interface JupyterServerCollectionApi<U> {
  createJupyterServerCollection(id: string, label: string, provider: JupyterServerProvider<U>): { dispose(): void };
}

/** What the provider follows: the environments, and how to reach the backend now. */
export interface ServerSources {
  environments: { readonly items: Environment[]; onDidChange(fn: () => void): () => void };
  client(): ClientOptions | undefined;
}

export const COLLECTION_ID = 'mlwb';
export const COLLECTION_LABEL = 'ML Workbench';

/**
 * The running environments as Jupyter servers: each one's base URL is the backend's proxy of it and
 * its `Authorization` header the backend's bearer token (the Jupyter token never leaves the backend).
 */
export class EnvironmentServers<U> implements JupyterServerProvider<U> {
  private readonly listeners = new Set<() => unknown>();
  private readonly off: () => void;
  private last = '';

  constructor(
    private readonly sources: ServerSources,
    private readonly toUri: (url: string) => U,
  ) {
    // Tell the Jupyter extension only when the list it would get changes (it asks again on every event).
    this.off = sources.environments.onDidChange(() => {
      const now = JSON.stringify(this.servers().map((s) => [s.id, s.label]));
      if (now === this.last) return;
      this.last = now;
      this.listeners.forEach((fn) => fn());
    });
    this.last = JSON.stringify(this.servers().map((s) => [s.id, s.label]));
  }

  onDidChangeServers = (listener: () => unknown): { dispose(): void } => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  provideJupyterServers(): JupyterServer<U>[] {
    return this.servers();
  }

  /** The server with up-to-date connection details (the token may have changed since it was listed); undefined once it stopped. */
  resolveJupyterServer(server: JupyterServer<U>): JupyterServer<U> | undefined {
    return this.servers().find((s) => s.id === server.id);
  }

  dispose(): void {
    this.off();
    this.listeners.clear();
  }

  private servers(): JupyterServer<U>[] {
    const client = this.sources.client();
    if (!client) return [];
    return this.sources.environments.items
      .filter((env) => env.state === 'running')
      .map((env) => ({
        id: env.id,
        label: env.name,
        connectionInformation: { baseUrl: this.toUri(jupyterUrl(client.url, env.id)), headers: { Authorization: `Bearer ${client.token ?? ''}` } },
      }));
  }
}
