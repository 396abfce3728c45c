import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gpusFromAgent } from '../../../backend/src/runtime/agent-output.js';

describe('GPU figures from the resource agent', () => {
  it('reads what the real agent prints, with nvidia-smi answering', () => {
    // a stand-in nvidia-smi on PATH, answering the agent's query as the real one does (csv, noheader, nounits)
    const bin = mkdtempSync(join(tmpdir(), 'mlwb-smi-'));
    writeFileSync(join(bin, 'nvidia-smi'), '#!/bin/sh\necho "0, NVIDIA H100 80GB HBM3, 37, 1024, 81559"\n');
    chmodSync(join(bin, 'nvidia-smi'), 0o755);
    const stdout = execFileSync('python3', ['-m', 'mlwb_runtime.agent', '--once'], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, PYTHONPATH: resolve(__dirname, '../../../devcontainer-images/runtime') },
    });
    expect(gpusFromAgent(stdout)).toEqual([
      { index: 0, name: 'NVIDIA H100 80GB HBM3', utilizationPercent: 37, memoryUsedBytes: 1024 * 2 ** 20, memoryTotalBytes: 81559 * 2 ** 20 },
    ]);
  });

  it('reads nothing from output that is not an agent line', () => {
    expect(gpusFromAgent('')).toEqual([]);
    expect(gpusFromAgent('Traceback (most recent call last):')).toEqual([]);
    expect(gpusFromAgent('{"gpus": [{"index": "zero"}]}')).toEqual([]);
  });
});
