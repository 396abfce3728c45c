import { basename, resolve } from 'node:path';
import { WorkspaceName } from '../protocol/index.js';

/**
 * The folder name a workspace gets inside an environment: its own folder name made safe
 * (`My Project` → `my-project`), or `workspace` when nothing of it is left. Pure.
 */
export function workspaceNameFor(folder: string): string {
  const safe = basename(resolve(folder))
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 64)
    .replace(/[.-]+$/, '');
  return WorkspaceName.safeParse(safe).success ? safe : 'workspace';
}
