import { z } from 'zod';
import { Resources } from '../protocol/index.js';

/** Catalog image names become image repositories (`mlwb/<name>`) and folder names. */
export const ImageName = z.string().regex(/^[a-z][a-z0-9-]{0,40}$/, 'must be lowercase letters, digits and dashes, starting with a letter');

/** Image versions become tags: `1.2.3`, optionally with a `-suffix`. */
export const ImageVersion = z.string().regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, 'must be a version like "0.1.0"');

/** `major.minor` (or more) of a package, as Debian or PyPI ships it. */
const PackageVersion = z.string().regex(/^\d+(\.\d+)+$/, 'must be a version like "1.24"');

/** `devcontainer-images/<name>/manifest.json`: what an image holds and how it is built. */
export const ImageManifest = z
  .strictObject({
    name: ImageName,
    version: ImageVersion,
    description: z.string().min(1).max(300),
    /** `major.minor` of the image's Python. */
    python: z.string().regex(/^3\.\d+$/, 'must be a Python version like "3.11"'),
    /** Python distribution name → `major.minor` inside the image. */
    packages: z.record(z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be a lowercase distribution name'), PackageVersion),
    accelerator: z.enum(['cpu', 'cuda']),
    defaultResources: Resources.required(),
    /** Buildable from Debian packages alone (no image registry, no PyPI). */
    offline: z.boolean(),
    /** Why it is not, and what building it needs. */
    offlineNote: z.string().min(1).optional(),
    /** Catalog image this one is built on (its tag is passed as BASE_IMAGE). */
    dependsOn: ImageName.optional(),
  })
  .superRefine((m, ctx) => {
    if (!m.offline && !m.offlineNote) {
      ctx.addIssue({ code: 'custom', path: ['offlineNote'], message: 'is required when offline is false: say what the build needs' });
    }
    if (m.accelerator === 'cpu' && m.defaultResources.gpus !== 0) {
      ctx.addIssue({ code: 'custom', path: ['defaultResources', 'gpus'], message: 'must be 0 for a cpu image' });
    }
    if (m.accelerator === 'cuda' && m.defaultResources.gpus < 1) {
      ctx.addIssue({ code: 'custom', path: ['defaultResources', 'gpus'], message: 'must be at least 1 for a cuda image' });
    }
    if (m.dependsOn === m.name) {
      ctx.addIssue({ code: 'custom', path: ['dependsOn'], message: 'cannot name the image itself' });
    }
  });
export type ImageManifest = z.infer<typeof ImageManifest>;

/** The tag `build.sh` gives an image. */
export const imageTag = (m: Pick<ImageManifest, 'name' | 'version'>): string => `mlwb/${m.name}:${m.version}`;
