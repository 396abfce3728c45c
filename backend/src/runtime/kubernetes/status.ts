import type { V1ContainerStateTerminated, V1ContainerStatus, V1Pod, V1Status } from '@kubernetes/client-node';
import type { OwnedInstance, RuntimeStatus } from '../driver.js';
import { CONTAINER_NAME, LABEL_ENV, LABEL_OWNER } from './names.js';

function jupyterStatus(pod: V1Pod): V1ContainerStatus | undefined {
  return pod.status?.containerStatuses?.find((c) => c.name === CONTAINER_NAME);
}

/** What `inspect` reports: the current state, or the last termination while the kubelet restarts the container. */
export function podRuntimeStatus(pod: V1Pod): RuntimeStatus {
  const container = jupyterStatus(pod);
  const terminated = lastTermination(container);
  const running = pod.status?.phase === 'Running' && container?.state?.running !== undefined && !pod.metadata?.deletionTimestamp;
  return { running, exitCode: running ? null : (terminated?.exitCode ?? null), oomKilled: terminated?.reason === 'OOMKilled' };
}

function lastTermination(container: V1ContainerStatus | undefined): V1ContainerStateTerminated | undefined {
  return container?.state?.terminated ?? container?.lastState?.terminated;
}

export function podOwnedInstance(pod: V1Pod): OwnedInstance | undefined {
  const labels = pod.metadata?.labels ?? {};
  const envId = labels[LABEL_ENV];
  const ownerId = labels[LABEL_OWNER];
  if (!envId || !ownerId) return undefined;
  return { envId, ownerId, running: podRuntimeStatus(pod).running };
}

export type Readiness = { state: 'ready' } | { state: 'waiting'; reason: string } | { state: 'failed'; reason: string; blame: 'user' | 'engine' };

/** Container waiting reasons that will not fix themselves; the image or its settings are at fault. */
const HOPELESS_WAITING = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull', 'CreateContainerConfigError', 'CreateContainerError']);

/** Where a starting pod stands: ready, worth waiting for, or failed for good (so `start` fails fast). */
export function podReadiness(pod: V1Pod): Readiness {
  return podEnded(pod) ?? containerStuck(jupyterStatus(pod)) ?? podProgress(pod);
}

function podEnded(pod: V1Pod): Readiness | undefined {
  if (pod.metadata?.deletionTimestamp) return { state: 'failed', reason: 'the pod is being deleted', blame: 'engine' };
  const status = pod.status ?? {};
  if (status.phase !== 'Failed' && status.phase !== 'Succeeded') return undefined;
  const how = status.phase === 'Failed' ? 'failed' : 'exited';
  return { state: 'failed', reason: `the pod ${how}${suffix(status.reason, status.message)}`, blame: 'engine' };
}

function containerStuck(container: V1ContainerStatus | undefined): Readiness | undefined {
  const waiting = container?.state?.waiting;
  if (waiting?.reason && HOPELESS_WAITING.has(waiting.reason)) {
    return { state: 'failed', reason: `the container cannot start${suffix(waiting.reason, waiting.message)}`, blame: 'user' };
  }
  if (waiting?.reason !== 'CrashLoopBackOff') return undefined;
  const last = lastTermination(container);
  const how = last?.reason === 'OOMKilled' ? 'was killed for exceeding its memory limit' : `exited with code ${last?.exitCode ?? '?'}`;
  return { state: 'failed', reason: `Jupyter keeps crashing: it ${how}${suffix(undefined, last?.message)}`, blame: 'user' };
}

function podProgress(pod: V1Pod): Readiness {
  const conditions = pod.status?.conditions ?? [];
  const container = jupyterStatus(pod);
  const ready = conditions.some((c) => c.type === 'Ready' && c.status === 'True');
  if (pod.status?.phase === 'Running' && ready && container?.ready) return { state: 'ready' };
  const unscheduled = conditions.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (unscheduled) return { state: 'waiting', reason: `not scheduled yet${suffix(unscheduled.reason, unscheduled.message)}` };
  return { state: 'waiting', reason: container?.state?.waiting?.reason ?? pod.status?.phase ?? 'Pending' };
}

function suffix(reason?: string, message?: string): string {
  const parts = [reason, message].filter((p): p is string => Boolean(p));
  return parts.length > 0 ? ` (${parts.join(': ')})` : '';
}

/**
 * The exit code from the status an exec stream ends with: `Success` is 0, `NonZeroExitCode` carries
 * the code as an `ExitCode` cause (kubelet's remotecommand protocol); anything else is unknown.
 */
export function execExitCode(status: V1Status): number | null {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  const code = cause?.message === undefined ? NaN : Number.parseInt(cause.message, 10);
  return Number.isInteger(code) ? code : null;
}
