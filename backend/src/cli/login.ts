import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';

/** What `mlwb login` saves: where the backend is and the token to use there. */
export const SavedLogin = z.object({
  url: z.url(),
  token: z.string().min(1),
  caFile: z.string().optional(),
});
export type SavedLogin = z.infer<typeof SavedLogin>;

/** Per-user config directory: MLWB_CONFIG_DIR, else the platform's convention. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MLWB_CONFIG_DIR) return env.MLWB_CONFIG_DIR;
  if (process.platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'mlwb');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'mlwb');
}

export const loginFile = (env?: NodeJS.ProcessEnv): string => join(configDir(env), 'login.json');

export class LoginFileError extends Error {}

export function readLogin(env?: NodeJS.ProcessEnv): SavedLogin | undefined {
  const file = loginFile(env);
  if (!existsSync(file)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new LoginFileError(`${file} is not valid JSON; run "mlwb login" again`);
  }
  const parsed = SavedLogin.safeParse(json);
  if (!parsed.success) throw new LoginFileError(`${file} is damaged (${parsed.error.issues[0]?.path.join('.')}); run "mlwb login" again`);
  return parsed.data;
}

export function writeLogin(login: SavedLogin, env?: NodeJS.ProcessEnv): string {
  const file = loginFile(env);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify(login, null, 2) + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}

export function removeLogin(env?: NodeJS.ProcessEnv): boolean {
  const file = loginFile(env);
  if (!existsSync(file)) return false;
  rmSync(file);
  return true;
}
