/**
 * Path safety for everything that names a file from outside: request-supplied paths, relpaths read
 * from `.dir` manifests (which may come from another machine) and file names found in a folder
 * being added. A path is accepted only if every platform we run on reads it as the same file inside
 * its root, so a version added on Linux can be checked out on Windows without surprises.
 */
import { lstat, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { UnsafePathError } from './errors.js';

const MAX_PATH_CHARS = 4096;
const MAX_SEGMENT_BYTES = 255;

// https://learn.microsoft.com/windows/win32/fileio/naming-a-file#naming-conventions
const WINDOWS_DEVICE = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

type Rule = readonly [test: (s: string) => boolean, reason: string];

function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

const PATH_RULES: readonly Rule[] = [
  [(p) => p.length === 0, 'is empty'],
  [(p) => p.includes('\0'), 'contains a NUL byte'],
  [hasControlCharacter, 'contains a control character'],
  // Never decoded here, but a layer that decodes later must not turn them into separators or '..'.
  [(p) => /%(2f|5c|2e|00|25)/i.test(p), 'contains a percent-encoded separator, dot, NUL or percent sign'],
  [(p) => p.includes('\\'), 'contains a backslash (a separator on Windows)'],
  [(p) => /[\u2044\u2215\u29f5\u29f8\u29f9\ufe68\uff0f\uff3c]/.test(p), 'contains a character that looks like a slash'],
  [(p) => p.startsWith('/'), 'is absolute'],
  [(p) => /^[a-z]:/i.test(p), 'starts with a drive letter'],
  [(p) => p.includes(':'), "contains ':' (a drive or an alternate data stream on Windows)"],
  [(p) => /[<>"|?*]/.test(p), 'contains a character Windows does not allow in file names (<>"|?*)'],
  [(p) => p.length > MAX_PATH_CHARS, `is longer than ${MAX_PATH_CHARS} characters`],
];

const SEGMENT_RULES: readonly Rule[] = [
  [(s) => s === '', 'has an empty segment'],
  [(s) => s === '..', "climbs out with '..'"],
  [(s) => s === '.', "has a '.' segment"],
  [(s) => /[. ]$/.test(s), 'has a segment ending in a dot or a space (Windows drops them)'],
  [(s) => WINDOWS_DEVICE.test(s), 'has a segment that is a reserved device name on Windows'],
  [(s) => Buffer.byteLength(s, 'utf8') > MAX_SEGMENT_BYTES, `has a segment longer than ${MAX_SEGMENT_BYTES} bytes`],
];

function firstBroken(rules: readonly Rule[], value: string): string | undefined {
  return rules.find(([test]) => test(value))?.[1];
}

/**
 * Checks a relative, '/'-separated path and returns its segments; throws `UnsafePathError` naming
 * the first rule it breaks. Pure: it looks at the string only.
 */
export function splitRelativePath(input: string): string[] {
  if (typeof input !== 'string') throw new UnsafePathError(String(input), 'is not a string');
  const whole = firstBroken(PATH_RULES, input);
  if (whole) throw new UnsafePathError(input, whole);
  const segments = input.split('/');
  for (const segment of segments) {
    const reason = firstBroken(SEGMENT_RULES, segment);
    if (reason) throw new UnsafePathError(input, reason);
  }
  return segments;
}

/** Whether `path` is `root` or below it (both absolute and already resolved). */
export function isWithin(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

async function lstatOrUndefined(path: string) {
  try {
    return await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** The nearest ancestor of `path` (or `path` itself) that exists, stopping at `root`. */
async function nearestExisting(root: string, path: string): Promise<string> {
  let current = path;
  while (current !== root && !(await lstatOrUndefined(current))) current = dirname(current);
  return current;
}

/**
 * Resolves a request-supplied relative path inside `root`: the string must pass
 * `splitRelativePath`, the real path of its parent (or of the nearest ancestor that exists yet)
 * must stay inside the real root, and if the target itself is a symlink it must resolve inside the
 * root too. Returns the absolute path under the root's real path. Symlinks swapped in after the
 * check are not caught; write into directories this process created where that matters.
 */
export async function resolveInside(root: string, input: string): Promise<string> {
  const segments = splitRelativePath(input);
  const realRoot = await realpath(root);
  const target = join(realRoot, ...segments);
  if (!isWithin(realRoot, target)) throw new UnsafePathError(input, 'leaves the root');
  const ancestor = await realpath(await nearestExisting(realRoot, dirname(target)));
  if (!isWithin(realRoot, ancestor)) throw new UnsafePathError(input, 'goes through a symlink that leads outside the root');
  const stat = await lstatOrUndefined(target);
  if (stat?.isSymbolicLink()) {
    const real = await realpath(target).catch(() => undefined);
    if (!real) throw new UnsafePathError(input, 'is a dangling symlink');
    if (!isWithin(realRoot, real)) throw new UnsafePathError(input, 'is a symlink that leads outside the root');
  }
  return target;
}

/** Dataset names are defined by the protocol; re-exported for the store's callers. */
export { DatasetName } from '../../protocol/data.js';
