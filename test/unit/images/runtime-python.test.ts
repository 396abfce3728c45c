import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const RUNTIME_DIR = resolve(__dirname, '../../../devcontainer-images/runtime');

describe('devcontainer-images/runtime (Python)', () => {
  it('passes its unittest suite', () => {
    const run = spawnSync('python3', ['-m', 'unittest', 'discover', '-s', 'tests', '-t', '.'], {
      cwd: RUNTIME_DIR,
      encoding: 'utf8',
      timeout: 120_000,
      // no stray .pyc files in the tree that build contexts copy
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    expect(run.error).toBeUndefined();
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^Ran \d+ tests/m);
    expect(run.stderr).toMatch(/^OK$/m);
  }, 150_000);
});
