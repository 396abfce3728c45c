import type { Environment } from '../../../backend/src/protocol/index.js';
import { LiveModel, type ModelLink, type ModelStatus } from '../backend/liveModel.js';
import { applyChange, environmentChange, type EnvironmentChange } from './events.js';

export type { ModelLink, ModelStatus } from '../backend/liveModel.js';

/**
 * The user's environments, kept current (see {@link LiveModel}). The session subscribes to
 * `environments` from its start, so the model holds no topic of its own.
 */
export class EnvironmentsModel {
  private readonly live: LiveModel<ReadonlyMap<string, Environment>, EnvironmentChange>;

  constructor(link: ModelLink) {
    this.live = new LiveModel<ReadonlyMap<string, Environment>, EnvironmentChange>(link, {
      empty: new Map(),
      list: async (backend) => {
        const { items } = await backend.api.call('listEnvironments', { query: { limit: 1000 } });
        return new Map(items.map((e) => [e.id, e]));
      },
      change: environmentChange,
      apply: applyChange,
    });
  }

  get status(): ModelStatus {
    return this.live.status;
  }

  /** Sorted by name. */
  get items(): Environment[] {
    return [...this.live.current.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  get(id: string): Environment | undefined {
    return this.live.current.get(id);
  }

  onDidChange(fn: () => void): () => void {
    return this.live.onDidChange(fn);
  }

  /** Lists again; resolves once the list is in (or failed, which `status` tells). */
  refresh(): Promise<void> {
    return this.live.refresh();
  }

  /**
   * Applies what a command's answer says at once (e.g. the environment `createEnvironment`
   * returned), without waiting for its event; an older answer than what is known is ignored.
   */
  upsert(env: Environment): void {
    this.live.apply({ kind: 'upsert', env });
  }

  dispose(): void {
    this.live.dispose();
  }
}
