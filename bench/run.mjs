// Runs one benchmark: `node bench/run.mjs api` bundles bench/api.ts (with the fixtures it shares
// with the tests) and runs it. Benchmarks print JSON figures; they never pass or fail on timings.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';

const name = process.argv[2];
if (!name || !/^[a-z-]+$/.test(name)) {
  console.error('usage: node bench/run.mjs <name>   (e.g. api)');
  process.exit(2);
}
const outfile = `dist/bench/${name}.cjs`;
await esbuild.build({
  entryPoints: [`bench/${name}.ts`],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['better-sqlite3', 'cpu-features'],
  // as in esbuild.mjs: ssh2 (via dockerode) tries optional .node addons in a try/catch
  plugins: [{ name: 'optional-addons', setup: (b) => b.onResolve({ filter: /\.node$/ }, (a) => ({ path: a.path, external: true })) }],
  logLevel: 'warning',
});
const result = spawnSync(process.execPath, [outfile, ...process.argv.slice(3)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
