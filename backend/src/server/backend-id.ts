import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBase62 } from '../store/ids.js';

/**
 * A stable identity of this backend (one per data directory), written once to `<dataDir>/backend.id`.
 * Drivers label what they create with it, so backends sharing an engine leave each other's alone.
 */
export function backendId(dataDir: string): string {
  const file = join(dataDir, 'backend.id');
  if (existsSync(file)) {
    const id = readFileSync(file, 'utf8').trim();
    if (/^[a-z0-9]{12}$/.test(id)) return id;
  }
  const id = randomBase62(12).toLowerCase();
  writeFileSync(file, id, { mode: 0o600 });
  return id;
}
