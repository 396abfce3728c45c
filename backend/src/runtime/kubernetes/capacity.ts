import type { V1Node, V1Pod, V1Toleration } from '@kubernetes/client-node';
import type { EnvironmentStats } from '../../protocol/index.js';
import type { HostCapacity } from '../driver.js';
import { CONTAINER_NAME } from './names.js';
import { parseQuantity } from './quantity.js';

const MiB = 2 ** 20;

/**
 * What environments can use: the allocatable CPU, memory and `nvidia.com/gpu` of the nodes that
 * could run one (Ready, schedulable, matching the node selector, every NoSchedule/NoExecute taint
 * tolerated). Pods of other workloads are not subtracted: the scheduler has the last word.
 */
export function clusterCapacity(nodes: V1Node[], nodeSelector: Record<string, string> = {}, tolerations: V1Toleration[] = []): HostCapacity {
  let cpus = 0;
  let memoryBytes = 0;
  let gpus = 0;
  for (const node of nodes.filter((n) => schedulable(n, nodeSelector, tolerations))) {
    const allocatable = node.status?.allocatable ?? {};
    cpus += orZero(parseQuantity(allocatable.cpu));
    memoryBytes += orZero(parseQuantity(allocatable.memory));
    gpus += orZero(parseQuantity(allocatable['nvidia.com/gpu']));
  }
  return { cpus: round(cpus, 3), memoryMiB: Math.floor(memoryBytes / MiB), gpus: Math.floor(gpus) };
}

function schedulable(node: V1Node, nodeSelector: Record<string, string>, tolerations: V1Toleration[]): boolean {
  if (node.spec?.unschedulable) return false;
  if (node.status?.conditions?.find((c) => c.type === 'Ready')?.status !== 'True') return false;
  const labels = node.metadata?.labels ?? {};
  if (!Object.entries(nodeSelector).every(([k, v]) => labels[k] === v)) return false;
  return (node.spec?.taints ?? [])
    .filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute')
    .every((taint) => tolerations.some((t) => tolerates(t, taint)));
}

function tolerates(toleration: V1Toleration, taint: { key: string; value?: string; effect: string }): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.operator === 'Exists') return !toleration.key || toleration.key === taint.key;
  return toleration.key === taint.key && (toleration.value ?? '') === (taint.value ?? '');
}

/** A pod's entry in a `metrics.k8s.io` PodMetricsList. */
export interface PodUsage {
  timestamp?: string;
  containers: { name: string; usage: { cpu?: string; memory?: string } }[];
}

/**
 * Stats from metrics-server. CPU percent follows `docker stats`: 100 per fully used core. Without a
 * metrics API (or before its first scrape), usage reads as zero; the limits are still reported.
 * GPUs are not in `metrics.k8s.io`, so their list stays empty.
 */
export function podStats(pod: V1Pod, usage: PodUsage | undefined, now: Date): EnvironmentStats {
  const container = pod.spec?.containers.find((c) => c.name === CONTAINER_NAME);
  const limits = container?.resources?.limits ?? {};
  const used = usage?.containers.find((c) => c.name === CONTAINER_NAME)?.usage;
  const limitCpus = parseQuantity(limits.cpu);
  const limitBytes = parseQuantity(limits.memory);
  return {
    at: now.toISOString(),
    cpu: { percent: round(orZero(parseQuantity(used?.cpu)) * 100, 1), limitCpus: Number.isFinite(limitCpus) ? limitCpus : null },
    memory: { usedBytes: Math.round(orZero(parseQuantity(used?.memory))), limitBytes: Number.isFinite(limitBytes) ? limitBytes : null },
    gpus: [],
  };
}

function orZero(n: number): number {
  return Number.isFinite(n) ? n : 0;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
