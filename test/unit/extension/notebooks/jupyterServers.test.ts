import { describe, expect, it } from 'vitest';
import type { Environment } from '../../../../backend/src/protocol/index.js';
import {
  COLLECTION_ID,
  COLLECTION_LABEL,
  EnvironmentServers,
  type JupyterServerCollectionApi,
  type JupyterServerProvider,
} from '../../../../extension/src/notebooks/jupyterServers.js';

/** The Jupyter extension's API as `@vscode/jupyter-extension` declares it: it keeps the provider it is given. */
class FakeJupyterApi implements JupyterServerCollectionApi<string> {
  collections: { id: string; label: string; provider: JupyterServerProvider<string>; disposed: boolean }[] = [];
  createJupyterServerCollection(id: string, label: string, provider: JupyterServerProvider<string>): { dispose(): void } {
    const entry = { id, label, provider, disposed: false };
    this.collections.push(entry);
    return { dispose: () => (entry.disposed = true) };
  }
}

const env = (id: string, name: string, state: Environment['state']) => ({ id, name, state }) as Environment;

function sources(items: Environment[], connected = true) {
  const client = connected ? { url: 'https://mlwb.example:8787', token: 'mlwb_secret' } : undefined;
  const listeners = new Set<() => void>();
  const environments = {
    items,
    onDidChange: (fn: () => void) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
  return { environments, client: () => client, change: (next: Environment[]) => ((environments.items = next), listeners.forEach((fn) => fn())) };
}

describe('environments as Jupyter servers', () => {
  it('lists the running environments with the proxy URL and the bearer token, never the Jupyter token', () => {
    const src = sources([env('e1', 'alpha', 'running'), env('e2', 'beta', 'stopped')]);
    const api = new FakeJupyterApi();
    api.createJupyterServerCollection(COLLECTION_ID, COLLECTION_LABEL, new EnvironmentServers(src, (url) => url));
    const [collection] = api.collections;
    expect(collection).toMatchObject({ id: 'mlwb', label: 'ML Workbench' });
    expect(collection!.provider.provideJupyterServers(undefined)).toEqual([
      {
        id: 'e1',
        label: 'alpha',
        connectionInformation: { baseUrl: 'https://mlwb.example:8787/api/v1/environments/e1/jupyter/', headers: { Authorization: 'Bearer mlwb_secret' } },
      },
    ]);
  });

  it('tells the Jupyter extension when the list changes, not on every environment event', () => {
    const src = sources([env('e1', 'alpha', 'running')]);
    const provider = new EnvironmentServers(src, (url) => url);
    let changes = 0;
    const subscription = provider.onDidChangeServers(() => (changes += 1));
    src.change([env('e1', 'alpha', 'running')]);
    expect(changes).toBe(0);
    src.change([env('e1', 'alpha', 'running'), env('e2', 'beta', 'running')]);
    expect(changes).toBe(1);
    src.change([env('e2', 'beta', 'running')]);
    expect(changes).toBe(2);
    subscription.dispose();
    src.change([]);
    expect(changes).toBe(2);
  });

  it('resolves a listed server with the current details, and not one that stopped', () => {
    const src = sources([env('e1', 'alpha', 'running')]);
    const provider = new EnvironmentServers(src, (url) => url);
    const [listed] = provider.provideJupyterServers();
    expect(provider.resolveJupyterServer(listed!)?.connectionInformation?.baseUrl).toContain('/environments/e1/jupyter/');
    src.change([env('e1', 'alpha', 'stopping')]);
    expect(provider.resolveJupyterServer(listed!)).toBeUndefined();
  });

  it('lists nothing while no backend is connected', () => {
    expect(new EnvironmentServers(sources([env('e1', 'alpha', 'running')], false), (url) => url).provideJupyterServers()).toEqual([]);
  });
});
