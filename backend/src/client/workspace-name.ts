import { basename, resolve } from 'node:path';
import { WorkspaceName } from '../protocol/index.js';
import { slugify } from './slug.js';

/**
 * The folder name a workspace gets inside an environment: its own folder name made safe
 * (`My Project` → `my-project`), or `workspace` when nothing of it is left. Pure.
 */
export function workspaceNameFor(folder: string): string {
  const safe = slugify(basename(resolve(folder)));
  return WorkspaceName.safeParse(safe).success ? safe : 'workspace';
}
