import { HttpError } from '../../api/errors.js';
import type { DatasetDiff, VersionDetail } from '../../protocol/index.js';
import { detectFormat } from '../inspect/detect.js';
import { diffFolders, diffTabular } from '../inspect/diff.js';
import { DiffKeyError, FormatMismatchError, MalformedDataError, UnsupportedFormatError } from '../inspect/errors.js';
import type { ContentStore } from '../store/cas.js';
import { md5OfFile } from '../store/hashing.js';

export interface DiffRequest {
  name: string;
  from: number;
  to: number;
  key?: string | undefined;
}

const entries = (v: VersionDetail): { relpath: string; md5: string; size: number }[] => v.files.map((f) => ({ relpath: f.path, md5: f.md5, size: f.size }));

/** Refuses to diff a corrupt object: its bytes are re-hashed while DuckDB reads them. */
async function verified(cas: ContentStore, md5: string): Promise<void> {
  const { md5: actual } = await md5OfFile(cas.pathOf(md5));
  if (actual !== md5) throw new HttpError('corrupt_blob', `object ${md5} is corrupt (run \`mlwb data verify\`)`);
}

async function tabular(cas: ContentStore, before: VersionDetail, after: VersionDetail, key: string | undefined, threads?: number): Promise<DatasetDiff> {
  const [a, b] = [before.files[0]!, after.files[0]!];
  const side = async (f: typeof a, v: VersionDetail) => ({ path: cas.pathOf(f.md5), detected: await detectFormat(cas.pathOf(f.md5), f.path), ...(v.profile ? { profile: v.profile } : {}) });
  try {
    const [diff] = await Promise.all([
      diffTabular(await side(a, before), await side(b, after), { ...(key === undefined ? {} : { key }), ...(threads === undefined ? {} : { threads }) }),
      verified(cas, a.md5),
      verified(cas, b.md5),
    ]);
    return { kind: 'tabular', from: before.ref, to: after.ref, diff };
  } catch (err) {
    if (err instanceof DiffKeyError) throw new HttpError('unprocessable', err.message, [{ path: 'query.key', message: err.reason }]);
    // Stored content was accepted when it was added; failing to read it now means the store changed under us.
    if (err instanceof MalformedDataError || err instanceof FormatMismatchError || err instanceof UnsupportedFormatError) {
      throw new HttpError('corrupt_blob', `a stored version can no longer be read: ${err.message}`);
    }
    throw err;
  }
}

/**
 * Two versions of one dataset: tables (both profiled) by schema, rows and statistics; two single
 * files that are not both tables by their bytes; anything with a folder as lists of files.
 */
export async function diffVersions(cas: ContentStore, before: VersionDetail, after: VersionDetail, key: string | undefined, threads?: number): Promise<DatasetDiff> {
  if (before.profile && after.profile) return tabular(cas, before, after, key, threads);
  if (key !== undefined) throw new HttpError('unprocessable', 'a key column applies to tables only', [{ path: 'query.key', message: `${before.ref} and ${after.ref} are not both tables` }]);
  if (before.kind === 'file' && after.kind === 'file') {
    const [a, b] = [before.files[0]!, after.files[0]!];
    return {
      kind: 'file',
      from: before.ref,
      to: after.ref,
      diff: { before: { md5: a.md5, size: a.size, format: before.format }, after: { md5: b.md5, size: b.size, format: after.format }, same: a.md5 === b.md5 },
    };
  }
  return { kind: 'folder', from: before.ref, to: after.ref, diff: diffFolders(entries(before), entries(after)) };
}
