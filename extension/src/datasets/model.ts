import type { Dataset, DatasetVersion } from '../../../backend/src/protocol/index.js';
import type { LinkedBackend } from '../backend/link.js';
import type { ModelLink, ModelStatus } from '../environments/model.js';
import { errorText } from '../environments/format.js';
import { DATASETS_TOPIC, datasetChange, type DatasetChange } from './events.js';
import { applyChange, EMPTY_STATE, listedState, type DatasetsState } from './state.js';

/** Versions listed per dataset (the route's maximum); older ones are reached with the CLI. */
const VERSIONS_PER_DATASET = 1000;

/**
 * The user's datasets and their versions, kept current: listed when a backend connects, changed by
 * the `datasets` events as they come, listed again when the stream could not resume (`reset`).
 * The topic is held before the list is asked for; changes that arrive while it is on its way are
 * applied over it.
 */
export class DatasetsModel {
  private data: DatasetsState = EMPTY_STATE;
  private state: ModelStatus = { status: 'offline' };
  private pending: DatasetChange[] | undefined;
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

  /** Sorted by name, each with its versions newest first. */
  get items(): { dataset: Dataset; versions: readonly DatasetVersion[] }[] {
    return [...this.data.datasets.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((dataset) => ({ dataset, versions: this.data.versions.get(dataset.id) ?? [] }));
  }

  /** A version by id (tree rows carry it), or undefined. */
  version(id: string): DatasetVersion | undefined {
    for (const list of this.data.versions.values()) {
      const found = list.find((v) => v.id === id);
      if (found) return found;
    }
    return undefined;
  }

  /** The versions of dataset `name`, newest first. */
  versionsOf(name: string): readonly DatasetVersion[] {
    const dataset = [...this.data.datasets.values()].find((d) => d.name === name);
    return dataset ? (this.data.versions.get(dataset.id) ?? []) : [];
  }

  onDidChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Applies what a command's answer says at once (e.g. the version an upload added), without waiting for its event. */
  upsertVersion(version: DatasetVersion): void {
    this.apply({ kind: 'version', version });
  }

  /** Drops a version a command deleted, without waiting for its event. */
  removeVersion(id: string): void {
    this.apply({ kind: 'version-deleted', id });
  }

  /** Lists again; resolves once the list is in (or failed, which `status` tells). */
  async refresh(): Promise<void> {
    const backend = this.link.current;
    if (!backend) return;
    const generation = ++this.generation;
    this.pending ??= [];
    this.setStatus({ status: 'loading' });
    try {
      const { datasets } = await backend.api.call('listDatasets');
      const entries = await Promise.all(
        datasets.map(async (dataset) => {
          const { versions } = await backend.api.call('listVersions', { params: { name: dataset.name }, query: { limit: VERSIONS_PER_DATASET } });
          return { dataset, versions };
        }),
      );
      if (generation !== this.generation) return;
      let data = listedState(entries);
      for (const change of this.pending ?? []) data = applyChange(data, change);
      this.pending = undefined;
      this.data = data;
      this.setStatus({ status: 'ready' });
    } catch (error) {
      if (generation !== this.generation) return;
      this.pending = undefined;
      this.setStatus({ status: 'failed', message: errorText(error) });
    }
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
    this.data = EMPTY_STATE;
    if (!backend) {
      this.setStatus({ status: 'offline' });
      return;
    }
    const release = backend.topics.hold(DATASETS_TOPIC);
    const offEvent = backend.events.on('event', (event) => {
      const change = datasetChange(event);
      if (change) this.apply(change);
    });
    const offReset = backend.events.on('reset', () => void this.refresh());
    this.detach = () => {
      offEvent();
      offReset();
      release();
    };
    void this.refresh();
  }

  private apply(change: DatasetChange): void {
    if (this.pending) {
      this.pending.push(change);
      return;
    }
    const next = applyChange(this.data, change);
    if (next === this.data) return;
    this.data = next;
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
