// code-server for the dev launcher and the e2e harness: where it is, how to install it, and a
// hermetic layout (config, user data, extensions, XDG dirs) under one home directory, so that
// nothing is written to ~/.config or ~/.local (see /work/shared/recipes/code-server-e2e.md, §2).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnGroup } from './processes.mjs';

const INSTALL_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'install-code-server.sh');

/** The code-server binary that `install-code-server.sh <dir>` creates. */
export const installedBin = (dir) => path.join(dir, 'node_modules', '.bin', 'code-server');

/** code-server on PATH, else the one installed in `installDir`, else undefined. */
export function findCodeServer(installDir) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = dir && path.join(dir, 'code-server');
    if (candidate && existsSync(candidate)) return candidate;
  }
  const bin = installedBin(installDir);
  return existsSync(bin) ? bin : undefined;
}

/** Runs the offline installer into `dir` (prints its progress) and returns the binary. */
export function installCodeServer(dir) {
  execFileSync('bash', [INSTALL_SCRIPT, dir], { stdio: 'inherit' });
  return installedBin(dir);
}

/**
 * Every path code-server uses, under `home`.
 * @param {string} home
 */
export function codeServerLayout(home) {
  return {
    home,
    config: path.join(home, 'config.yaml'),
    userData: path.join(home, 'user-data'),
    extensions: path.join(home, 'extensions'),
    env: {
      XDG_CONFIG_HOME: path.join(home, 'xdg', 'config'),
      XDG_DATA_HOME: path.join(home, 'xdg', 'data'),
      XDG_CACHE_HOME: path.join(home, 'xdg', 'cache'),
    },
  };
}
/** @typedef {ReturnType<typeof codeServerLayout>} Layout */

/**
 * Writes code-server's config. No password: it binds to loopback only.
 * @param {Layout} layout
 * @param {number} port
 */
export function writeConfig(layout, port) {
  mkdirSync(layout.home, { recursive: true });
  writeFileSync(layout.config, [
    `bind-addr: 127.0.0.1:${port}`,
    'auth: none',
    'cert: false',
    'disable-telemetry: true',
    'disable-update-check: true',
    'disable-workspace-trust: true',
    'disable-getting-started-override: true',
    '',
  ].join('\n'));
}

/** Settings that keep the workbench quiet and deterministic (no tips, no update checks). */
export const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
};

/**
 * Merges `settings` into the user settings.json, keeping what the user set there otherwise.
 * A file that is not plain JSON (VS Code allows comments) is moved aside to settings.json.bak.
 * @param {Layout} layout
 * @param {Record<string, unknown>} settings
 */
export function writeUserSettings(layout, settings) {
  const dir = path.join(layout.userData, 'User');
  const file = path.join(dir, 'settings.json');
  mkdirSync(dir, { recursive: true });
  let current = {};
  if (existsSync(file)) {
    try {
      current = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      renameSync(file, `${file}.bak`);
      console.warn(`${file} is not plain JSON: moved it to settings.json.bak`);
    }
  }
  writeFileSync(file, `${JSON.stringify({ ...current, ...settings }, null, 2)}\n`);
}

const baseArgs = (layout) => ['--config', layout.config, '--user-data-dir', layout.userData, '--extensions-dir', layout.extensions];
const envFor = (layout, extra = {}) => ({ ...process.env, ...layout.env, ...extra });

/**
 * Installs (or reinstalls) a .vsix into the layout's extensions dir.
 * @param {string} bin
 * @param {Layout} layout
 * @param {string} vsix
 */
export function installVsix(bin, layout, vsix) {
  execFileSync(bin, [...baseArgs(layout), '--install-extension', vsix, '--force'], { stdio: 'pipe', env: envFor(layout) });
}

/**
 * Starts code-server in its own process group with `folder` open.
 * @param {string} bin
 * @param {Layout} layout
 * @param {{ folder: string, env?: Record<string, string>, logFile?: string }} options
 *   `env` reaches the extension host too (it inherits code-server's environment).
 */
export function startCodeServer(bin, layout, options) {
  return spawnGroup(bin, [...baseArgs(layout), options.folder], {
    env: envFor(layout, options.env),
    logFile: options.logFile,
  });
}
