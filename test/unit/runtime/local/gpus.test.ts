import { describe, expect, it } from 'vitest';
import { countGpus, parseGpuQuery } from '../../../../backend/src/runtime/local/gpus.js';

describe('nvidia-smi', () => {
  it('reads the CSV query, memory in bytes, N/A as null', () => {
    expect(parseGpuQuery('0, NVIDIA H100 80GB HBM3, 12, 1024, 81559\n1, Tesla T4, [N/A], [N/A], 15360\n')).toEqual([
      { index: 0, name: 'NVIDIA H100 80GB HBM3', utilizationPercent: 12, memoryUsedBytes: 1024 * 1024 * 1024, memoryTotalBytes: 81559 * 1024 * 1024 },
      { index: 1, name: 'Tesla T4', utilizationPercent: null, memoryUsedBytes: null, memoryTotalBytes: 15360 * 1024 * 1024 },
    ]);
    expect(parseGpuQuery('')).toEqual([]);
  });

  it('counts the GPUs of -L, not their MIG devices', () => {
    const listing = 'GPU 0: NVIDIA A100-SXM4-40GB (UUID: GPU-1)\n  MIG 1g.5gb Device 0: (UUID: MIG-1)\nGPU 1: NVIDIA A100-SXM4-40GB (UUID: GPU-2)\n';
    expect(countGpus(listing)).toBe(2);
    expect(countGpus('No devices were found\n')).toBe(0);
  });
});
