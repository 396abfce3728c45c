import { z } from 'zod';

/**
 * Workspace sync: a client sends the list of its workspace files with their md5 (`syncPlan`),
 * uploads the contents the backend lacks (`uploadSyncBlob`, raw bytes), then asks for the list to be
 * written into an environment (`syncApply`). Unchanged content is never sent twice.
 */

/** Bounds of one sync: past them the client stops with a clear error instead of sending a huge request. */
export const SYNC_LIMITS = {
  files: 50_000,
  fileBytes: 512 * 1024 * 1024,
  totalBytes: 4 * 1024 * 1024 * 1024,
  pathChars: 1024,
} as const;

export const Md5Hex = z.string().regex(/^[0-9a-f]{32}$/, 'must be an md5: 32 lowercase hexadecimal digits');

type Rule = readonly [test: (s: string) => boolean, reason: string];

const hasControl = (s: string): boolean => [...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

/** What makes a relative path unsafe anywhere it may be written (a container, a local folder). */
const PATH_RULES: readonly Rule[] = [
  [(p) => p.includes('\0'), 'contains a NUL byte'],
  [hasControl, 'contains a control character'],
  [(p) => p.includes('\\'), 'contains a backslash (a separator on Windows)'],
  // Never decoded, but a layer that decodes later must not turn them into separators or '..'.
  [(p) => /%(2f|5c|2e|00|25)/i.test(p), 'contains a percent-encoded separator, dot, NUL or percent sign'],
  [(p) => p.startsWith('/'), 'is absolute'],
  [(p) => /^[a-z]:/i.test(p), 'starts with a drive letter'],
  [(p) => p.split('/').includes('..'), "climbs out with '..'"],
  [(p) => p.split('/').includes('.'), "has a '.' segment"],
  [(p) => p.split('/').includes(''), 'has an empty segment'],
  [(p) => p.split('/').some((s) => Buffer.byteLength(s, 'utf8') > 255), 'has a segment longer than 255 bytes'],
];

/** Why `path` is not a safe relative path, or undefined when it is; pure, shared by client and server. */
export function unsafeSyncPath(path: string): string | undefined {
  return PATH_RULES.find(([test]) => test(path))?.[1];
}

/** A workspace-relative, '/'-separated path that stays inside its root wherever it is written. */
export const SyncPath = z
  .string()
  .min(1)
  .max(SYNC_LIMITS.pathChars)
  .superRefine((path, ctx) => {
    const reason = unsafeSyncPath(path);
    if (reason) ctx.addIssue({ code: 'custom', message: reason });
  });

export const SyncFile = z.strictObject({
  path: SyncPath,
  md5: Md5Hex,
  size: z.number().int().min(0).max(SYNC_LIMITS.fileBytes),
  /** Written with mode 0755 instead of 0644. */
  executable: z.boolean().default(false),
});
export type SyncFile = z.output<typeof SyncFile>;
export type SyncFileInput = z.input<typeof SyncFile>;

/** A manifest: each path once, and no file where another one needs a folder (`a` and `a/b`). */
export const SyncFiles = z
  .array(SyncFile)
  .max(SYNC_LIMITS.files)
  .superRefine((files, ctx) => {
    const paths = new Set<string>();
    for (const [i, f] of files.entries()) {
      if (paths.has(f.path)) ctx.addIssue({ code: 'custom', path: [i, 'path'], message: `"${f.path}" is listed twice` });
      paths.add(f.path);
    }
    for (const [i, f] of files.entries()) {
      const segments = f.path.split('/');
      for (let n = 1; n < segments.length; n++) {
        const parent = segments.slice(0, n).join('/');
        if (paths.has(parent)) {
          ctx.addIssue({ code: 'custom', path: [i, 'path'], message: `"${parent}" is listed as a file and as a folder` });
          break;
        }
      }
    }
  });

/**
 * The workspace's folder name inside the environment (`~/work/<name>` on Docker): one safe path
 * segment on every platform.
 */
export const WorkspaceName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'use 1 to 64 lowercase letters, digits, ".", "_" or "-", starting with a letter or a digit')
  .refine((name) => !name.includes('..'), 'must not contain ".."')
  .refine((name) => !name.endsWith('.'), 'must not end with "."');
export type WorkspaceName = z.infer<typeof WorkspaceName>;

export const SyncPlanBody = z.strictObject({ files: SyncFiles });
export type SyncPlanBody = z.input<typeof SyncPlanBody>;

export const SyncPlan = z.object({
  /** Contents (by md5, each once) the backend lacks: upload these, then apply. */
  missing: z.array(Md5Hex),
});
export type SyncPlan = z.infer<typeof SyncPlan>;

export const SyncBlobParams = z.strictObject({ hash: Md5Hex });

export const SyncBlobStored = z.object({
  md5: Md5Hex,
  size: z.number().int().min(0),
  /** False when the content was stored already. */
  created: z.boolean(),
});
export type SyncBlobStored = z.infer<typeof SyncBlobStored>;

export const SyncApplyBody = z.strictObject({
  name: WorkspaceName,
  files: SyncFiles,
  /** Remove files written by an earlier sync of this workspace that are no longer listed. */
  delete: z.boolean().default(false),
});
export type SyncApplyBody = z.input<typeof SyncApplyBody>;

export const SyncApplied = z.object({
  /** Absolute path of the workspace inside the environment (a job's working directory starts here). */
  root: z.string(),
  written: z.number().int().min(0),
  unchanged: z.number().int().min(0),
  removed: z.number().int().min(0),
});
export type SyncApplied = z.infer<typeof SyncApplied>;
