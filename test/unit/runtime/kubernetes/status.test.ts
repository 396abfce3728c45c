import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { execExitCode, podOwnedInstance, podReadiness, podRuntimeStatus } from '../../../../backend/src/runtime/kubernetes/status.js';

const labels = { 'mlwb.env': 'env_AbC12345', 'mlwb.owner': 'usr_XyZ12345', 'app.kubernetes.io/managed-by': 'mlwb' };

function pod(phase: string, container: Partial<V1ContainerStatus> = {}, ready = false): V1Pod {
  return {
    metadata: { name: 'p', namespace: 'n', labels },
    status: {
      phase,
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      containerStatuses: [{ name: 'jupyter', image: 'i', imageID: '', ready, restartCount: 0, ...container }],
    },
  };
}

const running = { state: { running: { startedAt: new Date() } } };

describe('pod status', () => {
  it('reads running, exit code and OOM kills, also from the last termination while restarting', () => {
    expect(podRuntimeStatus(pod('Running', running, true))).toEqual({ running: true, exitCode: null, oomKilled: false });
    expect(podRuntimeStatus(pod('Running', { state: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }))).toEqual({
      running: false,
      exitCode: 137,
      oomKilled: true,
    });
    const restarted = { ...running, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } }, restartCount: 1 };
    expect(podRuntimeStatus(pod('Running', restarted))).toEqual({ running: true, exitCode: null, oomKilled: true });
    const crashLoop = { state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, reason: 'Error' } } };
    expect(podRuntimeStatus(pod('Running', crashLoop))).toEqual({ running: false, exitCode: 1, oomKilled: false });
    expect(podRuntimeStatus(pod('Pending'))).toEqual({ running: false, exitCode: null, oomKilled: false });
  });

  it('is not running while being deleted', () => {
    const deleting = pod('Running', running, true);
    deleting.metadata!.deletionTimestamp = new Date();
    expect(podRuntimeStatus(deleting).running).toBe(false);
    expect(podReadiness(deleting).state).toBe('failed');
  });

  it('tells ready, waiting and hopeless apart', () => {
    expect(podReadiness(pod('Running', running, true))).toEqual({ state: 'ready' });
    expect(podReadiness(pod('Running', running, false))).toEqual({ state: 'waiting', reason: 'Running' });
    expect(podReadiness(pod('Pending', { state: { waiting: { reason: 'ContainerCreating' } } }))).toEqual({ state: 'waiting', reason: 'ContainerCreating' });
    const pull = podReadiness(pod('Pending', { state: { waiting: { reason: 'ImagePullBackOff', message: 'not found' } } }));
    expect(pull).toEqual({ state: 'failed', reason: 'the container cannot start (ImagePullBackOff: not found)', blame: 'user' });
    const oom = podReadiness(
      pod('Running', { state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }),
    );
    expect(oom).toMatchObject({ state: 'failed', reason: expect.stringContaining('memory limit') });
    expect(podReadiness(pod('Failed'))).toMatchObject({ state: 'failed', blame: 'engine' });
  });

  it('explains why a pod is not scheduled', () => {
    const pending: V1Pod = {
      status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes have nvidia.com/gpu' }] },
    };
    expect(podReadiness(pending)).toEqual({ state: 'waiting', reason: 'not scheduled yet (Unschedulable: 0/3 nodes have nvidia.com/gpu)' });
  });

  it('finds our instances by their labels', () => {
    expect(podOwnedInstance(pod('Running', running, true))).toEqual({ envId: 'env_AbC12345', ownerId: 'usr_XyZ12345', running: true });
    expect(podOwnedInstance({ metadata: { labels: { 'app.kubernetes.io/managed-by': 'mlwb' } } })).toBeUndefined();
  });

  it('reads the exit code from the status an exec stream ends with', () => {
    expect(execExitCode({ status: 'Success' })).toBe(0);
    expect(execExitCode({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '3' }] } })).toBe(3);
    expect(execExitCode({ status: 'Failure', message: 'container not found' })).toBeNull();
  });
});
