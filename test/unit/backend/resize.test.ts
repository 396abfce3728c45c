import { describe, expect, it } from 'vitest';
import { parseMemoryMiB } from '../../../backend/src/cli/memory.js';
import { assertResizable, resizedSpec } from '../../../backend/src/environments/resize.js';
import { Environment, EnvironmentSpec, ResizeBody, type EnvironmentState } from '../../../backend/src/protocol/index.js';

const env = (state: EnvironmentState): Environment =>
  Environment.parse({
    id: 'env_ab12cd34',
    ownerId: 'usr_ab12cd34',
    name: 'box',
    image: 'python-cpu',
    packages: { apt: ['curl'], pip: ['requests'] },
    resources: { cpus: 1, memoryMiB: 1024, gpus: 0 },
    env: { A: '1' },
    idleTimeoutMinutes: 30,
    priority: 70,
    state,
    reason: null,
    queuePosition: null,
    driver: 'docker',
    imageRef: null,
    limitsEnforced: true,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    startedAt: null,
    lastActivityAt: null,
  });

describe('assertResizable', () => {
  it('allows queued, stopped and failed environments', () => {
    for (const state of ['queued', 'stopped', 'failed'] as const) expect(() => assertResizable(env(state))).not.toThrow();
  });

  it('refuses with 409 naming the state while the environment holds its share', () => {
    for (const state of ['building', 'starting', 'running', 'stopping'] as const) {
      expect(() => assertResizable(env(state))).toThrow(expect.objectContaining({ status: 409, message: expect.stringContaining(`is ${state}`) }));
    }
  });
});

describe('resizedSpec', () => {
  it('changes only the named figures and keeps the rest of the spec', () => {
    const stored = resizedSpec(env('stopped'), { memoryMiB: 4096 });
    expect(stored.resources).toEqual({ cpus: 1, memoryMiB: 4096, gpus: 0 });
    expect(EnvironmentSpec.parse(stored.spec)).toEqual({
      name: 'box',
      image: 'python-cpu',
      packages: { apt: ['curl'], pip: ['requests'] },
      env: { A: '1' },
      idleTimeoutMinutes: 30,
      priority: 70,
      cpus: 1,
      memoryMiB: 4096,
      gpus: 0,
    });
  });
});

describe('ResizeBody', () => {
  it('needs at least one figure, refuses unknown fields and out-of-range values', () => {
    expect(ResizeBody.safeParse({}).success).toBe(false);
    expect(ResizeBody.safeParse({ cpus: 2, disk: 3 }).success).toBe(false);
    expect(ResizeBody.safeParse({ memoryMiB: 64 }).success).toBe(false);
    expect(ResizeBody.safeParse({ gpus: 1.5 }).success).toBe(false);
    expect(ResizeBody.safeParse({ gpus: 0 }).success).toBe(true);
  });
});

describe('parseMemoryMiB', () => {
  it('reads binary sizes and bare MiB, and refuses the rest', () => {
    expect(parseMemoryMiB('4GiB')).toBe(4096);
    expect(parseMemoryMiB('1.5G')).toBe(1536);
    expect(parseMemoryMiB('512MiB')).toBe(512);
    expect(parseMemoryMiB(' 768 ')).toBe(768);
    for (const bad of ['4 bananas', '4GB', '-1GiB', '0.3MiB', '']) expect(() => parseMemoryMiB(bad)).toThrow('--memory takes a size');
  });
});
