/**
 * What was last written into each workspace folder of each environment, one JSON file per folder:
 * `<root>/<envId>/<name>.json`. A JSON file rather than a table: it is a cache of the folder's
 * state that sync can always rebuild (a missing or unreadable record only means every file is
 * written again), so it needs no migration and no transaction with other data.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { Id, Md5Hex, SyncPath, WorkspaceName } from '../protocol/index.js';
import type { AppliedFiles } from './changes.js';

const AppliedRecord = z.strictObject({
  version: z.literal(1),
  files: z.record(SyncPath, z.strictObject({ md5: Md5Hex, executable: z.boolean() })),
});

export class AppliedRecords {
  constructor(private readonly root: string) {}

  private fileOf(envId: string, name: string): string {
    // Both come validated from the route; checked again because they become path segments here.
    return join(this.root, Id.parse(envId), `${WorkspaceName.parse(name)}.json`);
  }

  /** The folder's record; empty when there is none or it cannot be read (then everything is written again). */
  async read(envId: string, name: string): Promise<AppliedFiles> {
    let text: string;
    try {
      text = await readFile(this.fileOf(envId, name), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw err;
    }
    try {
      const parsed = AppliedRecord.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data.files : {};
    } catch {
      return {};
    }
  }

  /** Every md5 recorded for these environments' folders: the contents their workspaces hold. */
  async referenced(envIds: readonly string[]): Promise<Set<string>> {
    const md5s = new Set<string>();
    for (const envId of envIds) {
      const files = await readdir(join(this.root, Id.parse(envId))).catch(() => [] as string[]);
      for (const file of files.filter((f) => f.endsWith('.json'))) {
        for (const entry of Object.values(await this.read(envId, file.slice(0, -'.json'.length)).catch(() => ({})))) md5s.add(entry.md5);
      }
    }
    return md5s;
  }

  /** Removes the records of environments that no longer exist (`exists` says which do); returns their ids. */
  async prune(exists: (envId: string) => boolean): Promise<string[]> {
    const envIds = await readdir(this.root).catch(() => [] as string[]);
    const gone = envIds.filter((envId) => Id.safeParse(envId).success && !exists(envId));
    for (const envId of gone) await rm(join(this.root, envId), { recursive: true, force: true });
    return gone;
  }

  /** Replaces the record atomically: temp file, fsync, rename. */
  async write(envId: string, name: string, files: AppliedFiles): Promise<void> {
    const target = this.fileOf(envId, name);
    await mkdir(join(this.root, envId), { recursive: true });
    const temp = `${target}.${randomUUID()}.tmp`;
    const fh = await open(temp, 'wx', 0o600);
    try {
      await fh.writeFile(JSON.stringify({ version: 1, files }));
      await fh.sync();
      await fh.close();
      await rename(temp, target);
    } catch (err) {
      await fh.close().catch(() => undefined);
      await rm(temp, { force: true });
      throw err;
    }
  }
}
