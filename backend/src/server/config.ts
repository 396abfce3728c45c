import { z } from 'zod';
import { Driver } from '../protocol/index.js';

/** What `mlwb server` starts with; parsed from its options so a bad value stops it with the field named. */
export const ServerConfig = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65535).default(8787),
  dataDir: z.string().min(1),
  driver: Driver.default('auto'),
  tls: z
    .discriminatedUnion('mode', [
      z.object({ mode: z.literal('files'), certFile: z.string().min(1), keyFile: z.string().min(1) }),
      z.object({ mode: z.literal('self-signed') }),
    ])
    .optional(),
  adminToken: z.string().optional(),
  heartbeatMs: z.number().int().min(100).default(15_000),
  allowedOrigins: z.array(z.string()).default([]),
  /** How long shutdown waits for in-flight requests before cutting their connections. */
  shutdownGraceMs: z.number().int().min(0).default(10_000),
  bodyLimit: z.number().int().min(1024).optional(),
  /** Capacity overrides; unset means what the driver reports about the host. */
  capacity: z
    .object({ cpus: z.number().positive().optional(), memoryMiB: z.number().int().positive().optional(), gpus: z.number().int().min(0).optional() })
    .default({}),
  /** The image catalog folder; found next to the bundle when unset. */
  imagesDir: z.string().optional(),
  /** JSON file with the Kubernetes driver's node selectors, tolerations and storage settings. */
  kubernetesConfig: z.string().optional(),
  /** How often idle environments are looked for. */
  idleCheckSeconds: z.number().int().min(1).default(60),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type ServerConfig = z.input<typeof ServerConfig>;

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
export const isLoopback = (host: string): boolean => LOOPBACK.has(host) || host.startsWith('127.');
