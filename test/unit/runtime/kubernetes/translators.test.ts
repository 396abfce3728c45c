import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { clusterCapacity, podStats } from '../../../../backend/src/runtime/kubernetes/capacity.js';
import { CappedSink } from '../../../../backend/src/runtime/kubernetes/exec.js';
import { LineSplitter, parseLogLine, parseLogText } from '../../../../backend/src/runtime/kubernetes/logs.js';
import { cpuQuantity, parseQuantity } from '../../../../backend/src/runtime/kubernetes/quantity.js';
import { apiFailure, toDriverError } from '../../../../backend/src/runtime/kubernetes/errors.js';
import { DriverError } from '../../../../backend/src/runtime/driver.js';

function node(allocatable: Record<string, string>, extra: { labels?: Record<string, string>; taints?: { key: string; effect: string; value?: string }[]; ready?: boolean; unschedulable?: boolean } = {}): V1Node {
  return {
    metadata: { name: 'n', labels: extra.labels ?? {} },
    spec: { taints: extra.taints ?? [], unschedulable: extra.unschedulable ?? false },
    status: { allocatable, conditions: [{ type: 'Ready', status: extra.ready === false ? 'False' : 'True' }] },
  };
}

describe('quantities', () => {
  it('write CPUs as whole cores or millicores', () => {
    expect(cpuQuantity(2)).toBe('2');
    expect(cpuQuantity(0.5)).toBe('500m');
    expect(cpuQuantity(1.25)).toBe('1250m');
  });

  it('read every suffix the API uses', () => {
    expect(parseQuantity('3920m')).toBeCloseTo(3.92);
    expect(parseQuantity('16318496Ki')).toBe(16318496 * 1024);
    expect(parseQuantity('2Gi')).toBe(2 * 2 ** 30);
    expect(parseQuantity('1e3')).toBe(1000);
    expect(parseQuantity('250000n')).toBeCloseTo(0.00025);
    expect(parseQuantity('1.5')).toBe(1.5);
    expect(parseQuantity('lots')).toBeNaN();
    expect(parseQuantity(undefined)).toBeNaN();
  });
});

describe('cluster capacity', () => {
  it('sums allocatable CPU, memory and GPUs of the nodes that can run environments', () => {
    const nodes = [
      node({ cpu: '3920m', memory: '8Gi' }),
      node({ cpu: '8', memory: '32Gi', 'nvidia.com/gpu': '2' }, { taints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }] }),
      node({ cpu: '64', memory: '256Gi' }, { ready: false }),
      node({ cpu: '64', memory: '256Gi' }, { unschedulable: true }),
      node({ cpu: '2', memory: '1Gi' }, { taints: [{ key: 'x', effect: 'PreferNoSchedule' }] }),
    ];
    expect(clusterCapacity(nodes)).toEqual({ cpus: 5.92, memoryMiB: 9 * 1024, gpus: 0 });
    const tolerations = [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }];
    expect(clusterCapacity(nodes, {}, tolerations)).toEqual({ cpus: 13.92, memoryMiB: 41 * 1024, gpus: 2 });
  });

  it('counts only nodes that match the node selector', () => {
    const nodes = [node({ cpu: '4', memory: '4Gi' }, { labels: { pool: 'ml' } }), node({ cpu: '8', memory: '8Gi' })];
    expect(clusterCapacity(nodes, { pool: 'ml' })).toEqual({ cpus: 4, memoryMiB: 4096, gpus: 0 });
  });
});

describe('pod stats', () => {
  const pod: V1Pod = { spec: { containers: [{ name: 'jupyter', resources: { limits: { cpu: '1500m', memory: '2048Mi' } } }] } };
  const now = new Date('2026-01-01T00:00:00Z');

  it('read metrics.k8s.io usage against the limits (100 % per core, like docker stats)', () => {
    const usage = { containers: [{ name: 'jupyter', usage: { cpu: '250000000n', memory: '524288Ki' } }] };
    expect(podStats(pod, usage, now)).toEqual({
      at: '2026-01-01T00:00:00.000Z',
      cpu: { percent: 25, limitCpus: 1.5 },
      memory: { usedBytes: 512 * 2 ** 20, limitBytes: 2048 * 2 ** 20 },
      gpus: [],
    });
  });

  it('read zero usage without a metrics API', () => {
    expect(podStats(pod, undefined, now)).toMatchObject({ cpu: { percent: 0, limitCpus: 1.5 }, memory: { usedBytes: 0 } });
  });
});

describe('logs', () => {
  it('split the kubelet timestamp off each line', () => {
    expect(parseLogLine('2026-01-02T03:04:05.123456789Z [I] Jupyter Server is running')).toEqual({
      stream: 'stdout',
      line: '[I] Jupyter Server is running',
      at: '2026-01-02T03:04:05.123Z',
    });
    expect(parseLogLine('no stamp here')).toEqual({ stream: 'stdout', line: 'no stamp here', at: null });
    expect(parseLogText('2026-01-02T03:04:05Z a\n2026-01-02T03:04:06Z b\n').map((l) => l.line)).toEqual(['a', 'b']);
  });

  it('keep a partial line until it ends', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((l) => lines.push(l));
    splitter.push('one\ntw');
    expect(lines).toEqual(['one']);
    splitter.push('o\r\nthr');
    splitter.end();
    expect(lines).toEqual(['one', 'two', 'thr']);
  });
});

describe('exec output', () => {
  it('keeps the first bytes up to the cap and marks the rest as cut', async () => {
    const sink = new CappedSink(5);
    sink.write(Buffer.from('abc'));
    sink.write(Buffer.from('defgh'));
    await new Promise<void>((resolve) => sink.end(resolve));
    expect(sink.text()).toBe('abcde');
    expect(sink.truncated).toBe(true);
  });
});

describe('API errors', () => {
  it('blame refused objects on the request and everything else on the engine', () => {
    const invalid = { code: 422, body: JSON.stringify({ kind: 'Status', reason: 'Invalid', message: 'Pod "x" is invalid: spec.containers[0].resources.limits[cpu]: Invalid value: "-1": must be greater than or equal to 0' }) };
    expect(apiFailure(invalid)).toMatchObject({ code: 422, reason: 'Invalid' });
    const error = toDriverError(invalid, 'creating the pod');
    expect(error).toBeInstanceOf(DriverError);
    expect(error.blame).toBe('user');
    expect(error.message).toContain('must be greater than or equal to 0');
    expect(toDriverError({ code: 500, body: '' }, 'x').blame).toBe('engine');
    expect(toDriverError(new Error('connect ECONNREFUSED'), 'listing pods').message).toContain('unreachable');
  });
});
