import type { Dataset, DatasetVersion } from '../../../backend/src/protocol/index.js';
import { LiveModel, type ModelLink, type ModelStatus } from '../backend/liveModel.js';
import { DATASETS_TOPIC, datasetChange, type DatasetChange } from './events.js';
import { applyChange, EMPTY_STATE, listedState, type DatasetsState } from './state.js';

/** Versions listed per dataset (the route's maximum); older ones are reached with the CLI. */
const VERSIONS_PER_DATASET = 1000;

/** The user's datasets and their versions, kept current (see {@link LiveModel}). */
export class DatasetsModel {
  private readonly live: LiveModel<DatasetsState, DatasetChange>;

  constructor(link: ModelLink) {
    this.live = new LiveModel<DatasetsState, DatasetChange>(link, {
      topic: DATASETS_TOPIC,
      empty: EMPTY_STATE,
      list: async (backend) => {
        const { datasets } = await backend.api.call('listDatasets');
        const entries = await Promise.all(
          datasets.map(async (dataset) => {
            const { versions } = await backend.api.call('listVersions', { params: { name: dataset.name }, query: { limit: VERSIONS_PER_DATASET } });
            return { dataset, versions };
          }),
        );
        return listedState(entries);
      },
      change: datasetChange,
      apply: applyChange,
    });
  }

  get status(): ModelStatus {
    return this.live.status;
  }

  /** Sorted by name, each with its versions newest first. */
  get items(): { dataset: Dataset; versions: readonly DatasetVersion[] }[] {
    const data = this.live.current;
    return [...data.datasets.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((dataset) => ({ dataset, versions: data.versions.get(dataset.id) ?? [] }));
  }

  /** A version by id (tree rows carry it), or undefined. */
  version(id: string): DatasetVersion | undefined {
    for (const list of this.live.current.versions.values()) {
      const found = list.find((v) => v.id === id);
      if (found) return found;
    }
    return undefined;
  }

  /** The versions of dataset `name`, newest first. */
  versionsOf(name: string): readonly DatasetVersion[] {
    const data = this.live.current;
    const dataset = [...data.datasets.values()].find((d) => d.name === name);
    return dataset ? (data.versions.get(dataset.id) ?? []) : [];
  }

  onDidChange(fn: () => void): () => void {
    return this.live.onDidChange(fn);
  }

  /** Applies what a command's answer says at once (e.g. the version an upload added), without waiting for its event. */
  upsertVersion(version: DatasetVersion): void {
    this.live.apply({ kind: 'version', version });
  }

  /** Drops a version a command deleted, without waiting for its event. */
  removeVersion(id: string): void {
    this.live.apply({ kind: 'version-deleted', id });
  }

  /** Lists again; resolves once the list is in (or failed, which `status` tells). */
  refresh(): Promise<void> {
    return this.live.refresh();
  }

  dispose(): void {
    this.live.dispose();
  }
}
