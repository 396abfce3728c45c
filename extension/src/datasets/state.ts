import type { Dataset, DatasetVersion } from '../../../backend/src/protocol/index.js';
import type { DatasetChange } from './events.js';

/** The user's datasets by id, and the versions of each (by dataset id, newest first). */
export interface DatasetsState {
  readonly datasets: ReadonlyMap<string, Dataset>;
  readonly versions: ReadonlyMap<string, readonly DatasetVersion[]>;
}

export const EMPTY_STATE: DatasetsState = { datasets: new Map(), versions: new Map() };

const newestFirst = (a: DatasetVersion, b: DatasetVersion): number => b.number - a.number;

/** The state a list answer gives: each dataset with its versions. */
export function listedState(entries: readonly { dataset: Dataset; versions: readonly DatasetVersion[] }[]): DatasetsState {
  return {
    datasets: new Map(entries.map((e) => [e.dataset.id, e.dataset])),
    versions: new Map(entries.map((e) => [e.dataset.id, [...e.versions].sort(newestFirst)])),
  };
}

function upsertVersion(state: DatasetsState, version: DatasetVersion): DatasetsState {
  const current = state.versions.get(version.datasetId) ?? [];
  const next = [...current.filter((v) => v.id !== version.id), version].sort(newestFirst);
  return { ...state, versions: new Map(state.versions).set(version.datasetId, next) };
}

function deleteVersion(state: DatasetsState, id: string): DatasetsState {
  for (const [datasetId, list] of state.versions) {
    if (!list.some((v) => v.id === id)) continue;
    return { ...state, versions: new Map(state.versions).set(datasetId, list.filter((v) => v.id !== id)) };
  }
  return state;
}

/**
 * Applies one change and returns the new state, or the same state when nothing changed. A dataset
 * older than the one known is ignored: a list fetched while events were in flight may already be
 * newer than the events that follow it.
 */
export function applyChange(state: DatasetsState, change: DatasetChange): DatasetsState {
  switch (change.kind) {
    case 'dataset': {
      const known = state.datasets.get(change.dataset.id);
      if (known && Date.parse(known.updatedAt) > Date.parse(change.dataset.updatedAt)) return state;
      return { ...state, datasets: new Map(state.datasets).set(change.dataset.id, change.dataset) };
    }
    case 'dataset-deleted': {
      if (!state.datasets.has(change.id)) return state;
      const datasets = new Map(state.datasets);
      datasets.delete(change.id);
      const versions = new Map(state.versions);
      versions.delete(change.id);
      return { datasets, versions };
    }
    case 'version':
      return upsertVersion(state, change.version);
    case 'version-deleted':
      return deleteVersion(state, change.id);
  }
}
