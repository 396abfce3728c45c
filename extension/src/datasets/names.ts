import { slugify } from '../../../backend/src/client/slug.js';
import { DatasetName } from '../../../backend/src/protocol/index.js';

/**
 * The dataset name offered for a file or folder: its name without the extension, lowercased, with
 * every run of other characters turned into one '-' (`Iris Data.CSV` → `iris-data`), cut to 64.
 */
export function defaultDatasetName(fileName: string, isFolder: boolean): string {
  const stem = isFolder ? fileName : fileName.replace(/\.[^.]*$/, '') || fileName;
  const name = slugify(stem);
  return DatasetName.safeParse(name).success ? name : 'dataset';
}

/** Why `value` is not a dataset name (the protocol's own rule), or undefined when it is one. */
export function datasetNameProblem(value: string): string | undefined {
  const parsed = DatasetName.safeParse(value.trim());
  return parsed.success ? undefined : (parsed.error.issues[0]?.message ?? 'not a valid dataset name');
}
