// Builds every bundle of the project: the extension (Node: desktop VS Code and code-server's
// extension host), the backend server + `mlwb` CLI, and each webview app.
//   node esbuild.mjs               development build with source maps
//   node esbuild.mjs --production  minified, and copies the backend's native modules next to it
//   node esbuild.mjs --watch       rebuild on change
import * as esbuild from 'esbuild';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const common = { bundle: true, minify: production, sourcemap: true, logLevel: 'info', legalComments: 'none' };

// better-sqlite3 is a native addon: it cannot be bundled, so it ships beside the bundle
// (dist/node_modules) for the packaged extension, with the small packages it loads at run time.
// cpu-features is an optional native dependency of ssh2 (via dockerode), loaded in a try/catch: left out on purpose.
// DuckDB (dataset profiles and diffs) loads its addon and libduckdb from a per-platform package chosen at run time.
const NATIVE = ['better-sqlite3', 'cpu-features', '@duckdb/node-bindings'];

/** ssh2 (dockerode's SSH transport) tries optional `.node` addons in a try/catch and falls back to JS: leave them out. */
const optionalAddons = {
  name: 'optional-addons',
  setup(build) {
    build.onResolve({ filter: /\.node$/ }, (args) => ({ path: args.path, external: true }));
  },
};
const NATIVE_RUNTIME_DEPS = ['better-sqlite3', 'bindings', 'file-uri-to-path'];
// The bindings, what they require, and this platform's addon (glibc or musl: whichever npm installed).
const DUCKDB_RUNTIME_DEPS = ['@duckdb/node-bindings', 'detect-libc'];
const DUCKDB_PLATFORM_DEPS = [`@duckdb/node-bindings-${process.platform}-${process.arch}`, `@duckdb/node-bindings-${process.platform}-${process.arch}-musl`];

const webviewApps = existsSync('webviews')
  ? readdirSync('webviews', { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join('webviews', d.name, 'main.tsx')))
      .map((d) => d.name)
  : [];

/** @type {esbuild.BuildOptions[]} */
const builds = [
  {
    ...common,
    entryPoints: { extension: 'extension/src/extension.ts' },
    outdir: 'dist/extension',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  {
    ...common,
    entryPoints: { cli: 'backend/src/cli/main.ts' },
    outdir: 'dist/backend',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: NATIVE,
    plugins: [optionalAddons],
    banner: { js: '#!/usr/bin/env node' },
  },
  ...webviewApps.map((app) => ({
    ...common,
    entryPoints: { [app]: `webviews/${app}/main.tsx` },
    outdir: 'dist/webviews',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    jsx: 'automatic',
    loader: { '.css': 'css' },
    define: { 'process.env.NODE_ENV': production ? '"production"' : '"development"' },
  })),
];

function copyNativeModules() {
  const require = createRequire(import.meta.url);
  const installed = (name) => {
    try {
      return require.resolve(`${name}/package.json`);
    } catch {
      return undefined;
    }
  };
  const duckdbAddons = DUCKDB_PLATFORM_DEPS.filter(installed);
  if (duckdbAddons.length === 0) throw new Error(`no DuckDB addon for ${process.platform}-${process.arch} in node_modules (npm install on this platform)`);
  for (const name of [...NATIVE_RUNTIME_DEPS, ...DUCKDB_RUNTIME_DEPS, ...duckdbAddons]) {
    const from = dirname(require.resolve(`${name}/package.json`));
    const to = join('dist', 'node_modules', name);
    mkdirSync(to, { recursive: true });
    // Sources and build intermediates are not needed at run time: keep lib/, the compiled addon and package.json.
    cpSync(from, to, {
      recursive: true,
      filter: (src) => !/[\\/](src|deps|docs|test|obj\.target|\.deps)([\\/]|$)/.test(src.slice(from.length)),
    });
  }
}

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log(`watching ${contexts.length} bundles…`);
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  chmodSync('dist/backend/cli.js', 0o755); // the package's `mlwb` bin
  if (production) copyNativeModules();
}
