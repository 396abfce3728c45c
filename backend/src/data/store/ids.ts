/**
 * Object ids as DVC 3 names them: the md5 of a file's bytes, or for a directory the md5 of its
 * `.dir` manifest followed by `.dir`. The id is also the object's path below `files/md5/`.
 */

export const MD5 = /^[0-9a-f]{32}$/;
export const OBJECT_ID = /^[0-9a-f]{32}(\.dir)?$/;
export const DIR_SUFFIX = '.dir';

export function isObjectId(value: string): boolean {
  return OBJECT_ID.test(value);
}

export function isDirId(id: string): boolean {
  return id.endsWith(DIR_SUFFIX);
}

/** The md5 an object's content must hash to: the id without its `.dir` suffix. */
export function contentMd5(id: string): string {
  return isDirId(id) ? id.slice(0, -DIR_SUFFIX.length) : id;
}
