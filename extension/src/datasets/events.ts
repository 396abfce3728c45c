import { DATASETS_TOPIC, Dataset, DatasetVersion, type ServerEvent } from '../../../backend/src/protocol/index.js';

export { DATASETS_TOPIC };

export type DatasetChange =
  | { kind: 'dataset'; dataset: Dataset }
  | { kind: 'dataset-deleted'; id: string }
  | { kind: 'version'; version: DatasetVersion }
  | { kind: 'version-deleted'; id: string };

/**
 * What an event on the `datasets` topic changes, or undefined for anything else. The payload's
 * data is validated here: the protocol leaves it `unknown`, and a malformed one must not reach the tree.
 */
export function datasetChange(event: ServerEvent): DatasetChange | undefined {
  const { payload } = event;
  if (event.topic !== DATASETS_TOPIC || payload.kind === 'log' || payload.kind === 'progress') return undefined;
  const deleted = payload.kind === 'resource.deleted';
  if (payload.resource === 'dataset') {
    if (deleted) return { kind: 'dataset-deleted', id: payload.resourceId };
    const parsed = Dataset.safeParse(payload.data);
    return parsed.success ? { kind: 'dataset', dataset: parsed.data } : undefined;
  }
  if (payload.resource === 'dataset-version') {
    if (deleted) return { kind: 'version-deleted', id: payload.resourceId };
    const parsed = DatasetVersion.safeParse(payload.data);
    return parsed.success ? { kind: 'version', version: parsed.data } : undefined;
  }
  return undefined;
}
