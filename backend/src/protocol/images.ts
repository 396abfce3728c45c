import { z } from 'zod';

export const ImageInfo = z.object({
  name: z.string(),
  version: z.string(),
  description: z.string(),
  python: z.string(),
  packages: z.record(z.string(), z.string()),
  accelerator: z.enum(['cpu', 'cuda']),
  defaultResources: z.object({ cpus: z.number(), memoryMiB: z.number().int(), gpus: z.number().int() }),
  offline: z.boolean(),
  offlineNote: z.string().optional(),
  /** Whether the image exists on the engine this backend drives. */
  built: z.boolean(),
  tag: z.string(),
});
export type ImageInfo = z.infer<typeof ImageInfo>;

export const ImageList = z.object({ items: z.array(ImageInfo) });

export const ImageNameParams = z.strictObject({ name: z.string().regex(/^[a-z][a-z0-9-]{0,40}$/, 'must be a catalog image name like "python-cpu"') });

/** A build runs in the background; its output and outcome arrive on `topic` (log lines, then a finished progress event). */
export const ImageBuildStarted = z.object({ name: z.string(), topic: z.string() });
export type ImageBuildStarted = z.infer<typeof ImageBuildStarted>;
