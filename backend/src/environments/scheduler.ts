import type { Resources } from '../protocol/index.js';
import type { HostCapacity } from '../runtime/driver.js';

export interface QueuedRequest {
  id: string;
  priority: number;
  /** ISO time it joined the queue: the tie-breaker within a priority. */
  queuedAt: string;
  resources: Resources;
}

export const sumResources = (all: Resources[]): HostCapacity =>
  all.reduce((acc, r) => ({ cpus: acc.cpus + r.cpus, memoryMiB: acc.memoryMiB + r.memoryMiB, gpus: acc.gpus + r.gpus }), { cpus: 0, memoryMiB: 0, gpus: 0 });

/** Whether `request` fits in what `capacity` leaves after `used`. */
export function fits(capacity: HostCapacity, used: HostCapacity, request: Resources): boolean {
  const EPSILON = 1e-9; // 0.1 + 0.2 cpus must fit in 0.3
  return (
    used.cpus + request.cpus <= capacity.cpus + EPSILON &&
    used.memoryMiB + request.memoryMiB <= capacity.memoryMiB &&
    used.gpus + request.gpus <= capacity.gpus
  );
}

/** Whether a request could ever run here, even on an idle host. */
export const couldEverFit = (capacity: HostCapacity, request: Resources): boolean => fits(capacity, { cpus: 0, memoryMiB: 0, gpus: 0 }, request);

/** Queue order: higher priority first, then first come first served. */
export function queueOrder(queue: QueuedRequest[]): QueuedRequest[] {
  return [...queue].sort((a, b) => b.priority - a.priority || a.queuedAt.localeCompare(b.queuedAt) || a.id.localeCompare(b.id));
}

/**
 * Which queued requests start now. Strictly in queue order: the first one that does not fit stops
 * the pass, so a large request at the head is never starved by a stream of small ones behind it.
 */
export function admit(queue: QueuedRequest[], capacity: HostCapacity, used: HostCapacity): string[] {
  const started: string[] = [];
  let current = used;
  for (const request of queueOrder(queue)) {
    if (!fits(capacity, current, request.resources)) break;
    started.push(request.id);
    current = sumResources([current as Resources, request.resources]);
  }
  return started;
}
