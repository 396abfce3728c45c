import type { ContainerCreateOptions } from 'dockerode';
import { createHash } from 'node:crypto';
import type { Packages } from '../../protocol/index.js';
import type { RuntimeTarget } from '../driver.js';

export const JUPYTER_PORT = '8888/tcp';
export const NETWORK = 'mlwb';
export const LABEL_ENV = 'mlwb.env';
export const LABEL_OWNER = 'mlwb.owner';
export const LABEL_BACKEND = 'mlwb.backend';
export const HOME = '/home/mlwb';
const MIB = 1024 * 1024;

const shortHash = (text: string, length = 10): string => createHash('sha256').update(text).digest('hex').slice(0, length);

/** Container names must be unique per engine; ids hold uppercase, so a hash keeps them DNS-safe. */
export const containerName = (envId: string): string => `mlwb-env-${shortHash(envId)}`;
export const volumeName = (envId: string): string => `mlwb-ws-${shortHash(envId)}`;

export function labels(envId: string, ownerId: string, backendId?: string): Record<string, string> {
  return { [LABEL_ENV]: envId, [LABEL_OWNER]: ownerId, 'app.kubernetes.io/managed-by': 'mlwb', ...(backendId ? { [LABEL_BACKEND]: backendId } : {}) };
}

/** Numerical libraries size their thread pools by the host's cores, not the quota: tell them. */
export function threadEnv(cpus: number): string[] {
  const n = String(Math.max(1, Math.ceil(cpus)));
  return ['OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS', 'NUMEXPR_NUM_THREADS'].map((k) => `${k}=${n}`);
}

/**
 * The container for an environment: limits enforced, non-root, no privileges, read-only root with
 * a bounded writable /tmp, the workspace volume as the only mount, Jupyter published on loopback only.
 */
export function containerSpec(target: RuntimeTarget, backendId?: string): ContainerCreateOptions {
  const { resources } = target;
  return {
    name: containerName(target.envId),
    Image: target.imageRef,
    Labels: labels(target.envId, target.ownerId, backendId),
    User: '1000:1000',
    WorkingDir: `${HOME}/work`,
    Env: [
      ...Object.entries(target.env).map(([k, v]) => `${k}=${v}`),
      ...threadEnv(resources.cpus),
      `HOME=${HOME}`,
      `JUPYTER_TOKEN=${target.jupyterToken}`,
      `MLWB_JUPYTER_BASE_URL=${target.jupyterBaseUrl}`,
      `MLWB_ENV_ID=${target.envId}`,
    ],
    ExposedPorts: { [JUPYTER_PORT]: {} },
    HostConfig: {
      NanoCpus: Math.round(resources.cpus * 1e9),
      Memory: resources.memoryMiB * MIB,
      MemorySwap: resources.memoryMiB * MIB, // no swap beyond the limit: OOM is reported, not hidden by thrashing
      PidsLimit: 4096,
      SecurityOpt: ['no-new-privileges'],
      CapDrop: ['ALL'],
      ReadonlyRootfs: true,
      Tmpfs: { '/tmp': `rw,exec,nosuid,nodev,size=${Math.min(resources.memoryMiB, 4096)}m` },
      Mounts: [{ Type: 'volume', Source: volumeName(target.envId), Target: HOME }],
      PortBindings: { [JUPYTER_PORT]: [{ HostIp: '127.0.0.1', HostPort: '' }] },
      NetworkMode: NETWORK,
      RestartPolicy: { Name: 'no' },
      ...(resources.gpus > 0 ? { DeviceRequests: [{ Driver: 'nvidia', Count: resources.gpus, Capabilities: [['gpu']] }] } : {}),
    },
  };
}

/** Same packages on the same base give the same tag, so an identical spec reuses the image. */
export function derivedImageTag(baseImageId: string, packages: Packages): string {
  const key = JSON.stringify({ base: baseImageId, apt: [...packages.apt].sort(), pip: [...packages.pip].sort() });
  return `mlwb-derived:${shortHash(key, 16)}`;
}

export const hasPackages = (p: Packages): boolean => p.apt.length > 0 || p.pip.length > 0;

/**
 * The Dockerfile of a derived image. Exec-form RUN (JSON arrays) runs no shell, so even a name that
 * slipped past validation could not inject a command; `apt-get update` fails loudly when the
 * mirror is unreachable instead of leaving a misleading "Unable to locate package".
 */
export function derivedDockerfile(baseImage: string, packages: Packages): string {
  const lines = [`FROM ${baseImage}`, 'USER root'];
  if (packages.apt.length) {
    lines.push(`RUN ${JSON.stringify(['apt-get', 'update', '-o', 'APT::Update::Error-Mode=any'])}`);
    lines.push(`RUN ${JSON.stringify(['apt-get', 'install', '-y', '--no-install-recommends', ...[...packages.apt].sort()])}`);
    lines.push(`RUN ${JSON.stringify(['rm', '-rf', '/var/lib/apt/lists'])}`);
  }
  if (packages.pip.length) {
    lines.push(`RUN ${JSON.stringify(['python3', '-m', 'pip', 'install', '--no-cache-dir', '--break-system-packages', ...[...packages.pip].sort()])}`);
  }
  lines.push('USER 1000:1000');
  return lines.join('\n') + '\n';
}
