import { createHash } from 'node:crypto';

/** Label keys on everything the driver creates; `list()` and every lookup by env id go through them. */
export const LABEL_ENV = 'mlwb.env';
export const LABEL_OWNER = 'mlwb.owner';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'mlwb';
/** Hash of the desired pod (spec and token): a pod found with another hash is replaced, not adopted. */
export const ANNOTATION_SPEC_HASH = 'mlwb.spec-hash';

export const CONTAINER_NAME = 'jupyter';
export const JUPYTER_PORT = 8888;
export const TOKEN_KEY = 'token';

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Whether `name` is an RFC 1123 DNS label (what namespaces, services and our pod names must be). */
export function isDnsLabel(name: string): boolean {
  return DNS_LABEL.test(name);
}

export function shortHash(value: string, length = 8): string {
  return createHash('sha256').update(value).digest('hex').slice(0, length);
}

/** Lowercase letters, digits and single dashes, trimmed to `max` characters with no dash at either end. */
export function sanitise(value: string, max: number): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, max)
    .replace(/^-+|-+$/g, '');
}

/**
 * One namespace per user: `mlwb-<owner id, sanitised>-<hash>`. Ids are case-sensitive and DNS names
 * are not, so the hash of the exact id keeps `usr_AbC…` and `usr_abc…` apart.
 */
export function namespaceName(ownerId: string): string {
  const base = sanitise(ownerId, 40);
  return `mlwb-${base ? `${base}-` : ''}${shortHash(ownerId, 6)}`;
}

export interface ResourceNames {
  namespace: string;
  pod: string;
  service: string;
  secret: string;
  pvc: string;
}

/**
 * `<env name>-<hash of env id>` (at most 49 characters): readable in `kubectl get pods`, unique per
 * environment, and a DNS-1035 label when the name starts with a letter, as environment names do.
 */
export function resourceNames(envId: string, envName: string, ownerId: string): ResourceNames {
  const base = `${sanitise(envName, 40) || 'env'}-${shortHash(envId)}`;
  return { namespace: namespaceName(ownerId), pod: base, service: base, secret: `${base}-jupyter`, pvc: `${base}-work` };
}

export function envLabels(envId: string, ownerId: string): Record<string, string> {
  return { [LABEL_ENV]: envId, [LABEL_OWNER]: ownerId, [LABEL_MANAGED_BY]: MANAGED_BY };
}

export const envSelector = (envId: string): string => `${LABEL_ENV}=${envId},${LABEL_MANAGED_BY}=${MANAGED_BY}`;
export const managedSelector = `${LABEL_MANAGED_BY}=${MANAGED_BY}`;
