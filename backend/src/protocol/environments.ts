import { z } from 'zod';
import { Id, Limit, Timestamp } from './common.js';

/**
 * Environment names end up in container, volume, pod and service names: DNS-label rules
 * (lowercase letters, digits, dashes; starts with a letter; at most 40 characters).
 */
export const EnvName = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[a-z]([a-z0-9-]*[a-z0-9])?$/, 'must be lowercase letters, digits and dashes, starting with a letter');

/** Debian package names (Policy 5.6.1), optionally pinned with `=version`; never an option or a shell word. */
export const AptPackage = z
  .string()
  .max(200)
  .regex(/^[a-z0-9][a-z0-9+.-]+(=[A-Za-z0-9.+~:-]+)?$/, 'must be a Debian package name like "libgomp1" or "curl=7.88.1-10"');

/** A PEP 508 requirement without URLs or options: `name[extra]==1.2`, `name>=1,<2`. */
export const PipRequirement = z
  .string()
  .max(200)
  .regex(
    /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?(\[[A-Za-z0-9._,-]+\])?((==|>=|<=|~=|!=|<|>)[A-Za-z0-9.*+!-]+(,(==|>=|<=|~=|!=|<|>)[A-Za-z0-9.*+!-]+)*)?$/,
    'must be a package requirement like "requests" or "torch==2.1.0" (no URLs, no options)',
  );

export const EnvVarName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'must be a valid environment variable name');

export const Packages = z.strictObject({
  apt: z.array(AptPackage).max(200).default([]),
  pip: z.array(PipRequirement).max(500).default([]),
});
export type Packages = z.infer<typeof Packages>;

export const Resources = z.strictObject({
  cpus: z.number().min(0.1).max(256),
  memoryMiB: z.number().int().min(128).max(4 * 1024 * 1024),
  gpus: z.number().int().min(0).max(16).default(0),
});
export type Resources = z.infer<typeof Resources>;

export const EnvironmentSpec = z.strictObject({
  name: EnvName,
  /** A catalog image name (`python-cpu`). */
  image: z.string().regex(/^[a-z][a-z0-9-]{0,40}$/, 'must be a catalog image name like "python-cpu"'),
  packages: Packages.default({ apt: [], pip: [] }),
  cpus: Resources.shape.cpus.optional(),
  memoryMiB: Resources.shape.memoryMiB.optional(),
  gpus: Resources.shape.gpus.optional(),
  env: z
    .record(EnvVarName, z.string().max(32 * 1024))
    .refine((r) => Object.keys(r).length <= 100, 'at most 100 variables')
    .default({}),
  /** Minutes without kernel activity before the environment is stopped; 0 never stops it. */
  idleTimeoutMinutes: z.number().int().min(0).max(7 * 24 * 60).default(120),
  /** Higher starts first when capacity is short; equal priorities start in request order. */
  priority: z.number().int().min(0).max(100).default(50),
});
export type EnvironmentSpecInput = z.input<typeof EnvironmentSpec>;
export type EnvironmentSpec = z.output<typeof EnvironmentSpec>;

export const EnvironmentState = z.enum(['queued', 'building', 'starting', 'running', 'stopping', 'stopped', 'failed']);
export type EnvironmentState = z.infer<typeof EnvironmentState>;

export const Environment = z.object({
  id: Id,
  ownerId: Id,
  name: EnvName,
  image: z.string(),
  packages: Packages,
  resources: Resources,
  env: z.record(z.string(), z.string()),
  idleTimeoutMinutes: z.number().int(),
  priority: z.number().int(),
  state: EnvironmentState,
  /** Why it failed, or what it waits for while queued. */
  reason: z.string().nullable(),
  /** 1-based place in the queue while queued. */
  queuePosition: z.number().int().positive().nullable(),
  driver: z.enum(['local', 'docker', 'kubernetes']),
  /** The image actually run: the catalog image or the derived one with the extra packages. */
  imageRef: z.string().nullable(),
  /** Whether the driver enforces the CPU/memory limits (the local driver may only record them). */
  limitsEnforced: z.boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  startedAt: Timestamp.nullable(),
  lastActivityAt: Timestamp.nullable(),
});
export type Environment = z.infer<typeof Environment>;

export const CreateEnvironmentBody = EnvironmentSpec.extend({
  /** Start right away (queued if it does not fit). */
  start: z.boolean().default(true),
});
export type CreateEnvironmentBody = z.input<typeof CreateEnvironmentBody>;

export const EnvironmentList = z.object({ items: z.array(Environment) });
export type EnvironmentList = z.infer<typeof EnvironmentList>;

export const EnvironmentListQuery = z.strictObject({
  state: EnvironmentState.optional(),
  limit: Limit,
});

export const DeleteEnvironmentQuery = z.strictObject({
  /** Also remove the workspace volume; without it the workspace is kept for a later environment. */
  purge: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
});

export const LogsQuery = z.strictObject({
  tail: z.coerce.number().int().min(1).max(10_000).default(200),
});
export const LogLines = z.object({
  lines: z.array(z.object({ stream: z.enum(['stdout', 'stderr', 'system']), line: z.string(), at: Timestamp.nullable() })),
});
export type LogLines = z.infer<typeof LogLines>;

export const GpuStats = z.object({
  index: z.number().int(),
  name: z.string(),
  utilizationPercent: z.number().nullable(),
  memoryUsedBytes: z.number().nullable(),
  memoryTotalBytes: z.number().nullable(),
});
export const EnvironmentStats = z.object({
  at: Timestamp,
  cpu: z.object({ percent: z.number(), limitCpus: z.number().nullable() }),
  memory: z.object({ usedBytes: z.number(), limitBytes: z.number().nullable() }),
  gpus: z.array(GpuStats),
});
export type EnvironmentStats = z.infer<typeof EnvironmentStats>;

export const ExecBody = z.strictObject({
  command: z.array(z.string().max(4096)).min(1).max(256),
  timeoutSeconds: z.number().int().min(1).max(600).default(60),
});
export const ExecResult = z.object({
  exitCode: z.number().int().nullable(),
  stdout: z.string(),
  stderr: z.string(),
  timedOut: z.boolean(),
  /** Output beyond the cap (1 MiB per stream) is cut. */
  truncated: z.boolean(),
});
export type ExecResult = z.infer<typeof ExecResult>;

export const Capacity = z.object({
  cpus: z.number(),
  memoryMiB: z.number(),
  gpus: z.number().int(),
  used: z.object({ cpus: z.number(), memoryMiB: z.number(), gpus: z.number().int() }),
  queued: z.number().int(),
});
export type Capacity = z.infer<typeof Capacity>;
