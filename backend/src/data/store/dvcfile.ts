/**
 * `<name>.dvc` files as `dvc add` writes them in DVC 3, so a checked-out workspace can be committed
 * with git and read by DVC.
 *
 * Field names and order come from DVC's `Output.dumpd` (iterative/dvc, dvc/output.py at 9f901e5):
 * the hash (`md5`), then the meta fields in `Meta.to_dict` order (`size`, `nfiles` for a
 * directory, `isexec` only when true; dvc-data src/dvc_data/hashfile/meta.py), then `hash: md5`
 * (what marks a DVC 3 entry; 2.x files have none and hash text files dos2unix-normalised), then
 * `path`. The stage holds only `outs` (dvc/stage/utils.py `get_dump` drops empty fields). YAML is
 * dumped by ruamel with block style and unindented sequences (dvc/utils/serialize/_yaml.py); the
 * expected text of a directory entry is spelled out in dvc's tests/func/test_install.py.
 */
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import { DvcFileError, UnsafePathError } from './errors.js';
import { OBJECT_ID } from './ids.js';
import { splitRelativePath } from './paths.js';

/** One entry of `outs` as we write it. */
export interface DvcOut {
  /** `<md5>` for a file, `<md5>.dir` for a directory. */
  md5: string;
  size: number;
  /** Directories only. */
  nfiles?: number;
  /** Files only, and only when executable. */
  isexec?: boolean;
  path: string;
}

const SafeRelativePath = z.string().superRefine((value, ctx) => {
  try {
    splitRelativePath(value);
  } catch (err) {
    if (!(err instanceof UnsafePathError)) throw err;
    ctx.addIssue({ code: 'custom', message: err.reason });
  }
});

// The keys DVC's own schema accepts for a `.dvc` stage and its outs (dvc/schema.py
// SINGLE_STAGE_SCHEMA, dvc/output.py SCHEMA); anything else is a typo DVC would refuse too.
const DvcFileOut = z.strictObject({
  md5: z.string().regex(OBJECT_ID, 'expected 32 lowercase hex digits, optionally followed by .dir').optional(),
  etag: z.string().optional(),
  checksum: z.string().optional(),
  size: z.number().int().nonnegative().optional(),
  nfiles: z.number().int().nonnegative().optional(),
  isexec: z.boolean().optional(),
  version_id: z.string().optional(),
  hash: z.string().optional(),
  path: SafeRelativePath,
  desc: z.string().optional(),
  type: z.string().optional(),
  labels: z.array(z.string()).optional(),
  meta: z.unknown().optional(),
  cache: z.boolean().optional(),
  persist: z.boolean().optional(),
  remote: z.string().optional(),
  push: z.boolean().optional(),
  cloud: z.record(z.string(), z.unknown()).optional(),
  files: z.array(z.unknown()).optional(),
  fs_config: z.record(z.string(), z.unknown()).optional(),
});
export type DvcFileOut = z.infer<typeof DvcFileOut>;

export const DvcFile = z.strictObject({
  md5: z.string().optional(),
  wdir: z.string().nullable().optional(),
  deps: z.array(z.unknown()).nullable().optional(),
  outs: z.array(DvcFileOut).min(1, 'a .dvc file tracks at least one output'),
  locked: z.boolean().optional(),
  frozen: z.boolean().optional(),
  meta: z.unknown().optional(),
  always_changed: z.boolean().optional(),
  desc: z.string().optional(),
});
export type DvcFile = z.infer<typeof DvcFile>;

/** Whether an entry was written by DVC 3 (plain md5 of the bytes) rather than 2.x (dos2unix md5 of text files). */
export function isDvc3Out(out: DvcFileOut): boolean {
  return out.hash === 'md5';
}

/** The `.dvc` text for one output, as `dvc add` writes it. */
export function serialiseDvcFile(out: DvcOut): string {
  if (!OBJECT_ID.test(out.md5)) throw new DvcFileError(`invalid md5 ${JSON.stringify(out.md5)}`, 'outs.0.md5');
  if (!Number.isSafeInteger(out.size) || out.size < 0) throw new DvcFileError(`invalid size ${out.size}`, 'outs.0.size');
  try {
    splitRelativePath(out.path);
  } catch (err) {
    if (err instanceof UnsafePathError) throw new DvcFileError(`path ${err.reason}`, 'outs.0.path');
    throw err;
  }
  const entry: Record<string, unknown> = { md5: out.md5, size: out.size };
  if (out.nfiles !== undefined) entry.nfiles = out.nfiles;
  if (out.isexec) entry.isexec = true;
  entry.hash = 'md5';
  entry.path = out.path;
  // ruamel's defaults: '- ' at the key's indentation, single quotes where a plain scalar would be ambiguous.
  return stringify({ outs: [entry] }, { indentSeq: false, singleQuote: true });
}

/** Parses and validates `.dvc` text; throws `DvcFileError` naming the offending field. */
export function parseDvcFile(text: string): DvcFile {
  let raw: unknown;
  try {
    raw = parse(text, { uniqueKeys: true });
  } catch (err) {
    throw new DvcFileError(`not valid YAML: ${(err as Error).message}`);
  }
  const parsed = DvcFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.');
    throw new DvcFileError(`${field || '(root)'}: ${issue.message}`, field || undefined);
  }
  return parsed.data;
}
