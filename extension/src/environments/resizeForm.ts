import type { EnvironmentState, ResizeBody, Resources } from '../../../backend/src/protocol/index.js';
import { formatCpus, formatMiB, plural } from './format.js';

/** Only what differs from now, so the request and the audit name what changed; undefined when nothing did. */
export function resizeBody(current: Resources, next: Resources): ResizeBody | undefined {
  const body: ResizeBody = {};
  if (next.cpus !== current.cpus) body.cpus = next.cpus;
  if (next.memoryMiB !== current.memoryMiB) body.memoryMiB = next.memoryMiB;
  if (next.gpus !== current.gpus) body.gpus = next.gpus;
  return Object.keys(body).length ? body : undefined;
}

/** `2 CPUs · 4.0 GiB · 1 GPU`. */
export const describeResources = (r: Resources): string => [formatCpus(r.cpus), formatMiB(r.memoryMiB), plural(r.gpus, 'GPU')].join(' · ');

/** What the user is told once it is done: when the change takes effect depends on the state. */
export function resizedMessage(name: string, state: EnvironmentState, resources: Resources): string {
  const when = state === 'queued' ? 'it starts with them when they fit' : 'from its next start';
  return `${name}: ${describeResources(resources)}, ${when}.`;
}
