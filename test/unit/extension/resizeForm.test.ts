import { describe, expect, it } from 'vitest';
import { describeResources, resizeBody, resizedMessage } from '../../../extension/src/environments/resizeForm.js';

describe('Change Resources form', () => {
  const now = { cpus: 2, memoryMiB: 4096, gpus: 0 };

  it('sends only the figures that changed, nothing when none did', () => {
    expect(resizeBody(now, { ...now, memoryMiB: 8192 })).toEqual({ memoryMiB: 8192 });
    expect(resizeBody(now, { cpus: 0.5, memoryMiB: 4096, gpus: 1 })).toEqual({ cpus: 0.5, gpus: 1 });
    expect(resizeBody(now, { ...now })).toBeUndefined();
  });

  it('says when the new figures apply', () => {
    expect(describeResources({ cpus: 1, memoryMiB: 512, gpus: 2 })).toBe('1 CPU · 512 MiB · 2 GPUs');
    expect(resizedMessage('box', 'stopped', now)).toBe('box: 2 CPUs · 4.0 GiB · 0 GPUs, from its next start.');
    expect(resizedMessage('box', 'queued', now)).toBe('box: 2 CPUs · 4.0 GiB · 0 GPUs, it starts with them when they fit.');
  });
});
