import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/** Integration suites run the real, bundled backend: build it once before they start. */
export default function setup(): void {
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: resolve(__dirname, '../..'), stdio: 'inherit' });
}
