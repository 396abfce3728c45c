import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Where the image catalog (`devcontainer-images/`) is: next to the bundle in a package or a
 * checkout (`dist/backend/cli.js` → `../../devcontainer-images`), or above the sources in tests.
 */
export function findImagesDir(from: string = __dirname): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'devcontainer-images');
    if (existsSync(join(candidate, 'build.sh'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}
