/**
 * Directory manifests (`<md5>.dir` objects), byte for byte as DVC 3 writes them, so that the same
 * folder gets the same id here and in DVC and either can read the other's cache.
 *
 * DVC's format (dvc-data, src/dvc_data/hashfile/tree.py at b9ec41c, `Tree.as_list`, `as_bytes`,
 * `digest`): a JSON array with one `{"md5": …, "relpath": …}` per file (no entries for
 * directories, so empty folders vanish), relpaths joined with '/', sorted by relpath, encoded by
 * Python's `json.dumps(list, sort_keys=True)` (", " and ": " separators, non-ASCII escaped as
 * \uXXXX) in UTF-8; the manifest's id is the md5 of those bytes followed by ".dir".
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ManifestError, UnsafePathError } from './errors.js';
import { DIR_SUFFIX, MD5 } from './ids.js';
import { splitRelativePath } from './paths.js';

export interface ManifestEntry {
  md5: string;
  /** '/'-separated path below the directory. */
  relpath: string;
}

/** Python's `str` order (by code point); JavaScript's `<` compares UTF-16 units, which differs above U+FFFF. */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const ca = ia.next();
    const cb = ib.next();
    if (ca.done || cb.done) return ca.done && cb.done ? 0 : ca.done ? -1 : 1;
    const diff = ca.value.codePointAt(0)! - cb.value.codePointAt(0)!;
    if (diff !== 0) return diff;
  }
}

const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

/** A JSON string as Python's json module writes it with ensure_ascii (the default). */
export function pythonJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const code = s.charCodeAt(i);
    if (SHORT_ESCAPES[ch]) out += SHORT_ESCAPES[ch];
    else if (code >= 0x20 && code <= 0x7e) out += ch;
    else out += `\\u${code.toString(16).padStart(4, '0')}`; // UTF-16 units, so astral characters become surrogate pairs as in Python
  }
  return `${out}"`;
}

function checkEntries(entries: readonly ManifestEntry[]): void {
  const paths = new Set<string>();
  for (const { md5, relpath } of entries) {
    if (!MD5.test(md5)) throw new ManifestError(`entry ${JSON.stringify(relpath)} has an invalid md5 ${JSON.stringify(md5)}`);
    try {
      splitRelativePath(relpath);
    } catch (err) {
      if (err instanceof UnsafePathError) throw new ManifestError(`entry ${err.message}`);
      throw err;
    }
    if (paths.has(relpath)) throw new ManifestError(`entry ${JSON.stringify(relpath)} appears twice`);
    paths.add(relpath);
  }
  for (const relpath of paths) {
    for (let cut = relpath.indexOf('/'); cut !== -1; cut = relpath.indexOf('/', cut + 1)) {
      if (paths.has(relpath.slice(0, cut))) throw new ManifestError(`${JSON.stringify(relpath.slice(0, cut))} is both a file and a directory`);
    }
  }
}

function sortEntries(entries: readonly ManifestEntry[]): ManifestEntry[] {
  return entries.map(({ md5, relpath }) => ({ md5, relpath })).sort((a, b) => compareCodePoints(a.relpath, b.relpath));
}

export interface Manifest {
  /** `<md5 of bytes>.dir` */
  id: string;
  bytes: Buffer;
  /** Sorted by relpath. */
  entries: ManifestEntry[];
}

/** Checks the entries (md5s, safe relpaths, no duplicates, no file that is also a folder) and serialises them as DVC does. */
export function buildManifest(entries: readonly ManifestEntry[]): Manifest {
  checkEntries(entries);
  const sorted = sortEntries(entries);
  const body = sorted.map((e) => `{"md5": ${pythonJsonString(e.md5)}, "relpath": ${pythonJsonString(e.relpath)}}`).join(', ');
  const bytes = Buffer.from(`[${body}]`, 'utf8');
  return { id: createHash('md5').update(bytes).digest('hex') + DIR_SUFFIX, bytes, entries: sorted };
}

// Lenient on extra keys: DVC's reader ignores them too, and other DVC versions may add metadata.
const ManifestJson = z.array(z.object({ md5: z.string(), relpath: z.string() }));

/** Parses a `.dir` object's bytes; throws `ManifestError` unless it is a list DVC could have written with safe relpaths. */
export function parseManifest(bytes: Buffer | string): ManifestEntry[] {
  let raw: unknown;
  try {
    raw = JSON.parse(typeof bytes === 'string' ? bytes : bytes.toString('utf8'));
  } catch (err) {
    throw new ManifestError(`manifest is not JSON: ${(err as Error).message}`);
  }
  const parsed = ManifestJson.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ManifestError(`manifest entry ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  checkEntries(parsed.data);
  return sortEntries(parsed.data);
}
