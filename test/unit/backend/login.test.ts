import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clientFrom, UsageError } from '../../../backend/src/cli/client.js';
import { configDir, readLogin, writeLogin } from '../../../backend/src/cli/login.js';

describe('saved login', () => {
  const env = (): NodeJS.ProcessEnv => ({ MLWB_CONFIG_DIR: mkdtempSync(join(tmpdir(), 'mlwb-login-')) });

  it('round-trips', () => {
    const e = env();
    writeLogin({ url: 'http://127.0.0.1:8787', token: 'mlwb_x' }, e);
    expect(readLogin(e)).toEqual({ url: 'http://127.0.0.1:8787', token: 'mlwb_x' });
  });

  it('reports a damaged file instead of using it', () => {
    const e = env();
    writeFileSync(join(configDir(e), 'login.json'), '{"url": "not a url", "token": "t"}');
    expect(() => readLogin(e)).toThrow(/damaged \(url\)/);
    writeFileSync(join(configDir(e), 'login.json'), '{oops');
    expect(() => readLogin(e)).toThrow(/not valid JSON/);
  });

  it('prefers flags over the environment over the saved login', () => {
    const e = env();
    writeLogin({ url: 'http://saved:1', token: 'saved' }, e);
    expect(clientFrom({}, e).options).toMatchObject({ url: 'http://saved:1', token: 'saved' });
    expect(clientFrom({}, { ...e, MLWB_URL: 'http://env:2', MLWB_TOKEN: 'env' }).options).toMatchObject({ url: 'http://env:2', token: 'env' });
    expect(clientFrom({ url: 'http://flag:3', token: 'flag' }, { ...e, MLWB_URL: 'http://env:2', MLWB_TOKEN: 'env' }).options).toMatchObject({
      url: 'http://flag:3',
      token: 'flag',
    });
  });

  it('does not mix a URL from one source with the token saved for another', () => {
    const e = env();
    writeLogin({ url: 'http://saved:1', token: 'saved' }, e);
    expect(() => clientFrom({ url: 'http://elsewhere:9' }, e)).toThrow(UsageError);
  });
});
