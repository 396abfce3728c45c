import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, startBackend, type BackendProcess } from '../../fixtures/backend-process.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('mlwb CLI against the real backend', () => {
  let backend: BackendProcess;
  let configDir: string;

  /** Runs `mlwb` with a private config dir and no MLWB_* variables but those given. */
  const mlwb = (args: string[], env: NodeJS.ProcessEnv = {}, input?: string): Promise<Run> =>
    new Promise((resolve) => {
      const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MLWB_')));
      const child = execFile(process.execPath, [CLI, ...args], { env: { ...base, MLWB_CONFIG_DIR: configDir, ...env } }, (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
      if (input !== undefined) child.stdin?.end(input);
    });
  const json = <T>(run: Run): T => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    return JSON.parse(run.stdout) as T;
  };

  beforeAll(async () => {
    backend = await startBackend();
    configDir = mkdtempSync(join(tmpdir(), 'mlwb-cli-'));
  });
  afterAll(async () => {
    await backend.stop();
  });

  it('explains what is missing when no backend is configured, and exits 2', async () => {
    const run = await mlwb(['status']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe('mlwb: no backend URL: pass --url, set MLWB_URL, or run "mlwb login URL"');
  });

  it('fails with one line and a non-zero code for a rejected token and for an unreachable backend', async () => {
    const rejected = await mlwb(['status', '--url', backend.url, '--token', 'mlwb_wrongwrongwrongwrongwrong']);
    expect(rejected.code).toBe(1);
    expect(rejected.stderr.trim().split('\n')).toHaveLength(1);
    expect(rejected.stderr).toMatch(/^mlwb: the backend at .* rejected the token/);
    const unreachable = await mlwb(['status', '--url', 'http://127.0.0.1:1', '--token', backend.token]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/^mlwb: cannot reach http:\/\/127\.0\.0\.1:1/);
  });

  it('takes MLWB_URL and MLWB_TOKEN from the environment', async () => {
    const status = json<{ me: { user: { name: string } } }>(await mlwb(['status', '--json'], { MLWB_URL: backend.url, MLWB_TOKEN: backend.token }));
    expect(status.me.user.name).toBe('admin');
  });

  it('logs in with a token from stdin, saves it 0600, and later commands use it', async () => {
    const login = await mlwb(['login', backend.url], {}, `${backend.token}\n`);
    expect(login.code).toBe(0);
    expect(login.stdout).toMatch(/logged in to .* as admin/);
    const file = join(configDir, 'login.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ url: backend.url, token: backend.token });
    const status = await mlwb(['status']);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/user\s+admin \(admin/);
  });

  it('refuses to save a login whose token the backend rejects', async () => {
    const other = mkdtempSync(join(tmpdir(), 'mlwb-cli-'));
    const run = await mlwb(['login', backend.url, '--token', 'mlwb_wrongwrongwrongwrongwrong'], { MLWB_CONFIG_DIR: other });
    expect(run.code).toBe(1);
    expect(() => statSync(join(other, 'login.json'))).toThrow();
  });

  it('creates a user and a token for them, lists and revokes it, and shows it all in the audit log', async () => {
    const user = json<{ id: string; name: string }>(await mlwb(['user', 'create', 'carol', '--json']));
    expect(user.name).toBe('carol');
    const token = json<{ id: string; token: string; userId: string }>(await mlwb(['token', 'create', 'carol laptop', '--user', user.id, '--json']));
    expect(token.userId).toBe(user.id);

    const asCarol = { MLWB_URL: backend.url, MLWB_TOKEN: token.token };
    const mine = json<{ id: string }[]>(await mlwb(['token', 'list', '--json'], asCarol));
    expect(mine.map((t) => t.id)).toEqual([token.id]);
    const table = await mlwb(['token', 'list'], asCarol);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+PREFIX/);
    expect(table.stdout).toContain('carol laptop');

    const users = json<{ name: string }[]>(await mlwb(['user', 'list', '--json']));
    expect(users.map((u) => u.name)).toEqual(['admin', 'carol']);

    const revoked = json<{ revokedAt: string | null }>(await mlwb(['token', 'revoke', token.id, '--json']));
    expect(revoked.revokedAt).not.toBeNull();
    expect((await mlwb(['token', 'list'], asCarol)).code).toBe(1);

    const audit = json<{ action: string; target: string | null }[]>(await mlwb(['audit', '--json', '--limit', '3']));
    expect(audit.map((e) => [e.action, e.target])).toEqual([
      ['token.revoke', token.id],
      ['token.create', token.id],
      ['user.create', user.id],
    ]);
  });

  it('names the field when the backend refuses input', async () => {
    const run = await mlwb(['user', 'create', '-bad-name-']);
    expect(run.code).not.toBe(0);
    const viaFlag = await mlwb(['token', 'create', 'x', '--expires-days', 'soon']);
    expect(viaFlag.code).toBe(1);
    expect(viaFlag.stderr).toMatch(/body\.expiresInDays/);
    expect(viaFlag.stderr).toMatch(/\[HTTP 400\]/);
  });

  it('logout forgets the saved login', async () => {
    expect((await mlwb(['logout'])).stdout).toMatch(/removed/);
    expect((await mlwb(['status'])).code).toBe(2);
  });
});
