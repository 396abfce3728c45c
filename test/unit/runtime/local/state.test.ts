import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseState, readState, writeState, type StateFile } from '../../../../backend/src/runtime/local/state.js';

const state = (over: Partial<StateFile> = {}): StateFile => ({
  version: 1,
  envId: 'env_abc12345',
  ownerId: 'usr_abc12345',
  imageRef: 'local:3.11.2',
  run: {
    pid: 4242,
    processStart: '123456',
    port: 41234,
    token: 'tok',
    baseUrl: '/api/v1/environments/env_abc12345/jupyter/',
    startedAt: '2025-01-02T03:04:05.000Z',
    limits: { cpus: 2, memoryMiB: 1024 },
    cgroup: { version: 1, cpu: '/sys/fs/cgroup/cpu/mlwb-local/env-1', memory: '/sys/fs/cgroup/memory/mlwb-local/env-1' },
    env: { HOME: '/h' },
  },
  lastExit: null,
  ...over,
});

describe('state.json', () => {
  const dirs: string[] = [];
  const tempFile = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'mlwb-state-'));
    dirs.push(dir);
    return join(dir, 'state.json');
  };
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('round-trips, owner-only (it holds the token), with no temp file left', () => {
    const file = tempFile();
    writeState(file, state());
    expect(readState(file)).toEqual({ ok: true, state: state() });
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toContain('"pid": 4242');
  });

  it('is absent before ensureImage and after remove', () => {
    expect(readState(join(tmpdir(), 'no-such-dir-mlwb', 'state.json'))).toBeUndefined();
  });

  it('names what is wrong with a damaged file', () => {
    expect(parseState('{"version":1')).toMatchObject({ ok: false, reason: expect.stringContaining('not JSON') });
    const noPid = JSON.parse(JSON.stringify(state())) as { run: { pid?: number } };
    delete noPid.run.pid;
    expect(parseState(JSON.stringify(noPid))).toMatchObject({ ok: false, reason: expect.stringContaining('run.pid') });
    expect(parseState(JSON.stringify({ ...state(), version: 2 }))).toMatchObject({ ok: false, reason: expect.stringContaining('version') });
  });

  it('accepts a stopped instance with its last exit', () => {
    const stopped = state({ run: null, lastExit: { at: '2025-01-02T03:04:05.000Z', exitCode: 0, oomKilled: false } });
    expect(parseState(JSON.stringify(stopped))).toEqual({ ok: true, state: stopped });
  });

  it('refuses to write an invalid state', () => {
    const file = tempFile();
    writeFileSync(file, 'old');
    expect(() => writeState(file, { ...state(), run: { ...state().run!, port: 70000 } })).toThrow();
    expect(readFileSync(file, 'utf8')).toBe('old');
  });
});
