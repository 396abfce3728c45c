import type { Environment } from '../../../backend/src/protocol/index.js';
import type { BackendLink, LinkedBackend } from '../backend/link.js';
import { errorText } from './format.js';
import { applyChange, environmentChange, type EnvironmentChange } from './events.js';

export type ModelStatus =
  /** No backend is connected: nothing is known. */
  | { status: 'offline' }
  | { status: 'loading' }
  | { status: 'ready' }
  | { status: 'failed'; message: string };

/** What the model follows: the link to the backend (the real one, or a test double). */
export type ModelLink = Pick<BackendLink, 'current' | 'onDidChange'>;

/**
 * The user's environments, kept current: listed when a backend connects, changed by the
 * `environments` events as they come, listed again when the stream could not resume (`reset`).
 * The session subscribes to `environments` from its start, so no change falls between the list
 * and the events.
 */
export class EnvironmentsModel {
  private envs: ReadonlyMap<string, Environment> = new Map();
  private state: ModelStatus = { status: 'offline' };
  /** Changes that arrive while a list is on its way; applied over it. */
  private pending: EnvironmentChange[] | undefined;
  private generation = 0;
  private detach: (() => void) | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly offLink: () => void;

  constructor(private readonly link: ModelLink) {
    this.offLink = link.onDidChange((backend) => this.attach(backend));
    this.attach(link.current);
  }

  get status(): ModelStatus {
    return this.state;
  }

  /** Sorted by name. */
  get items(): Environment[] {
    return [...this.envs.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  get(id: string): Environment | undefined {
    return this.envs.get(id);
  }

  onDidChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Lists again; resolves once the list is in (or failed, which `status` tells). */
  async refresh(): Promise<void> {
    const backend = this.link.current;
    if (!backend) return;
    const generation = ++this.generation;
    this.pending ??= [];
    this.setStatus({ status: 'loading' });
    try {
      const { items } = await backend.api.call('listEnvironments', { query: { limit: 1000 } });
      if (generation !== this.generation) return;
      let envs: ReadonlyMap<string, Environment> = new Map(items.map((e) => [e.id, e]));
      for (const change of this.pending ?? []) envs = applyChange(envs, change);
      this.pending = undefined;
      this.envs = envs;
      this.setStatus({ status: 'ready' });
    } catch (error) {
      if (generation !== this.generation) return;
      this.pending = undefined;
      this.setStatus({ status: 'failed', message: errorText(error) });
    }
  }

  /**
   * Applies what a command's answer says at once (e.g. the environment `createEnvironment`
   * returned), without waiting for its event; an older answer than what is known is ignored.
   */
  upsert(env: Environment): void {
    this.applyChange({ kind: 'upsert', env });
  }

  dispose(): void {
    this.offLink();
    this.detach?.();
    this.listeners.clear();
  }

  private attach(backend: LinkedBackend | undefined): void {
    this.detach?.();
    this.detach = undefined;
    this.generation += 1;
    this.pending = undefined;
    this.envs = new Map();
    if (!backend) {
      this.setStatus({ status: 'offline' });
      return;
    }
    const offEvent = backend.events.on('event', (event) => {
      const change = environmentChange(event);
      if (change) this.applyChange(change);
    });
    const offReset = backend.events.on('reset', () => void this.refresh());
    this.detach = () => {
      offEvent();
      offReset();
    };
    void this.refresh();
  }

  private applyChange(change: EnvironmentChange): void {
    if (this.pending) {
      this.pending.push(change);
      return;
    }
    const next = applyChange(this.envs, change);
    if (next === this.envs) return;
    this.envs = next;
    this.fire();
  }

  private setStatus(state: ModelStatus): void {
    this.state = state;
    this.fire();
  }

  private fire(): void {
    this.listeners.forEach((fn) => fn());
  }
}
