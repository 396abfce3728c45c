import { z } from 'zod';
import { Resources } from './environments.js';

/**
 * A change of an environment's resources, applied on its next start. Only while it is queued,
 * stopped or failed; a value that could never fit this host is refused like at creation.
 */
export const ResizeBody = z
  .strictObject({
    cpus: Resources.shape.cpus.optional(),
    memoryMiB: Resources.shape.memoryMiB.optional(),
    gpus: z.number().int().min(0).max(16).optional(),
  })
  .refine((b) => b.cpus !== undefined || b.memoryMiB !== undefined || b.gpus !== undefined, 'name at least one of cpus, memoryMiB, gpus');
export type ResizeBody = z.input<typeof ResizeBody>;
