import { createHash } from 'node:crypto';
import type {
  V1Container,
  V1EnvVar,
  V1Namespace,
  V1PersistentVolumeClaim,
  V1Pod,
  V1ResourceRequirements,
  V1Secret,
  V1Service,
  V1Toleration,
} from '@kubernetes/client-node';
import type { Resources } from '../../protocol/index.js';
import type { RuntimeTarget } from '../driver.js';
import {
  ANNOTATION_SPEC_HASH,
  CONTAINER_NAME,
  JUPYTER_PORT,
  LABEL_ENV,
  LABEL_MANAGED_BY,
  LABEL_OWNER,
  MANAGED_BY,
  TOKEN_KEY,
  envLabels,
  resourceNames,
  type ResourceNames,
} from './names.js';
import { cpuQuantity, memoryQuantity } from './quantity.js';

/** Cluster-specific choices, from the server's configuration; the rest of a manifest follows from the target. */
export interface KubernetesManifestConfig {
  /** Only nodes with these labels run environments (e.g. a GPU pool). */
  nodeSelector?: Record<string, string>;
  /** Lets environments onto tainted nodes (GPU pools are often tainted `nvidia.com/gpu:NoSchedule`). */
  tolerations?: V1Toleration[];
  /** Storage class of the workspace claims; the cluster's default when left out. */
  storageClassName?: string;
  /** Size of each workspace claim, e.g. `10Gi`. */
  workspaceSize?: string;
  /** Size limit of the `/tmp` emptyDir (the root filesystem is read-only). */
  tmpSizeLimit?: string;
  /** Secrets in the user's namespace to pull images with. */
  imagePullSecrets?: string[];
}

export const HOME = '/home/mlwb';
const DEFAULT_WORKSPACE_SIZE = '10Gi';
const DEFAULT_TMP_SIZE = '1Gi';
const UID = 1000;

/** The variables only the driver may set: a user's value for them is dropped. */
const RESERVED_ENV = new Set(['HOME', 'JUPYTER_TOKEN', 'MLWB_JUPYTER_BASE_URL']);

/** Everything one environment consists of, in the order it is created. */
export interface EnvironmentManifests {
  names: ResourceNames;
  namespace: V1Namespace;
  secret: V1Secret;
  pvc: V1PersistentVolumeClaim;
  service: V1Service;
  pod: V1Pod;
}

export function environmentManifests(target: RuntimeTarget, config: KubernetesManifestConfig = {}): EnvironmentManifests {
  const names = resourceNames(target.envId, target.name, target.ownerId);
  return {
    names,
    namespace: namespaceManifest(target.ownerId, names.namespace),
    secret: secretManifest(target, names),
    pvc: pvcManifest(target, names, config),
    service: serviceManifest(target, names),
    pod: podManifest(target, names, config),
  };
}

/** The user's namespace, held to the `restricted` Pod Security Standard by the API server itself. */
export function namespaceManifest(ownerId: string, name: string): V1Namespace {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: {
        [LABEL_OWNER]: ownerId,
        [LABEL_MANAGED_BY]: MANAGED_BY,
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
      },
    },
  };
}

/** The Jupyter token lives here, so it never appears in the pod spec (which many more roles can read). */
export function secretManifest(target: RuntimeTarget, names: ResourceNames): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: names.secret, namespace: names.namespace, labels: envLabels(target.envId, target.ownerId) },
    type: 'Opaque',
    data: { [TOKEN_KEY]: Buffer.from(target.jupyterToken, 'utf8').toString('base64') },
  };
}

export function pvcManifest(target: RuntimeTarget, names: ResourceNames, config: KubernetesManifestConfig): V1PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: names.pvc, namespace: names.namespace, labels: envLabels(target.envId, target.ownerId) },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: config.workspaceSize ?? DEFAULT_WORKSPACE_SIZE } },
      ...(config.storageClassName ? { storageClassName: config.storageClassName } : {}),
    },
  };
}

/** A stable in-cluster address for Jupyter (a backend running in the cluster, or a future ingress). */
export function serviceManifest(target: RuntimeTarget, names: ResourceNames): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: names.service, namespace: names.namespace, labels: envLabels(target.envId, target.ownerId) },
    spec: {
      type: 'ClusterIP',
      selector: { [LABEL_ENV]: target.envId, [LABEL_MANAGED_BY]: MANAGED_BY },
      ports: [{ name: 'jupyter', port: JUPYTER_PORT, targetPort: 'jupyter', protocol: 'TCP' }],
    },
  };
}

/**
 * A bare Pod with `restartPolicy: Always`, not a StatefulSet or Deployment: there is exactly one
 * replica, "stopped" means "no pod" (a controller would bring it back, or need scaling to zero),
 * and the driver itself recreates it on the next start, so a controller would only add a second
 * source of truth. The kubelet still restarts the container after a crash or an OOM kill.
 */
export function podManifest(target: RuntimeTarget, names: ResourceNames, config: KubernetesManifestConfig): V1Pod {
  const spec: V1Pod['spec'] = {
    restartPolicy: 'Always',
    automountServiceAccountToken: false,
    // Service links would inject every service of the user's namespace as variables into each environment.
    enableServiceLinks: false,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: UID,
      runAsGroup: UID,
      fsGroup: UID,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containers: [container(target, names)],
    volumes: [
      { name: 'workspace', persistentVolumeClaim: { claimName: names.pvc } },
      { name: 'tmp', emptyDir: { sizeLimit: config.tmpSizeLimit ?? DEFAULT_TMP_SIZE } },
    ],
    ...(config.nodeSelector && Object.keys(config.nodeSelector).length > 0 ? { nodeSelector: { ...config.nodeSelector } } : {}),
    ...(config.tolerations && config.tolerations.length > 0 ? { tolerations: config.tolerations.map((t) => ({ ...t })) } : {}),
    ...(config.imagePullSecrets && config.imagePullSecrets.length > 0
      ? { imagePullSecrets: config.imagePullSecrets.map((name) => ({ name })) }
      : {}),
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: names.pod,
      namespace: names.namespace,
      labels: envLabels(target.envId, target.ownerId),
      annotations: { [ANNOTATION_SPEC_HASH]: specHash(spec, target.jupyterToken) },
    },
    spec,
  };
}

function container(target: RuntimeTarget, names: ResourceNames): V1Container {
  return {
    name: CONTAINER_NAME,
    image: target.imageRef,
    imagePullPolicy: 'IfNotPresent',
    ports: [{ name: 'jupyter', containerPort: JUPYTER_PORT, protocol: 'TCP' }],
    env: envVars(target, names.secret),
    resources: resourceRequirements(target.resources),
    securityContext: {
      runAsNonRoot: true,
      runAsUser: UID,
      runAsGroup: UID,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    readinessProbe: {
      // Jupyter answers `<base>api` (its version) without a token.
      httpGet: { path: jupyterApiPath(target.jupyterBaseUrl), port: JUPYTER_PORT, scheme: 'HTTP' },
      initialDelaySeconds: 1,
      periodSeconds: 2,
      timeoutSeconds: 2,
      failureThreshold: 3,
    },
    volumeMounts: [
      { name: 'workspace', mountPath: HOME },
      { name: 'tmp', mountPath: '/tmp' },
    ],
  };
}

/**
 * Requests equal limits (the Guaranteed QoS class): what the scheduler reserves is what the
 * environment may use, so capacity accounting and OOM behaviour match the docker driver. GPUs, an
 * extended resource, are set as limits only (Kubernetes copies them to requests).
 */
export function resourceRequirements(resources: Resources): V1ResourceRequirements {
  const base = { cpu: cpuQuantity(resources.cpus), memory: memoryQuantity(resources.memoryMiB) };
  return {
    requests: { ...base },
    limits: { ...base, ...(resources.gpus > 0 ? { 'nvidia.com/gpu': String(resources.gpus) } : {}) },
  };
}

/** Thread pools sized to the CPU limit (numpy/torch would otherwise start one thread per node core), user variables, then ours. */
export function envVars(target: RuntimeTarget, secretName: string): V1EnvVar[] {
  const threads = String(Math.max(1, Math.ceil(target.resources.cpus)));
  const values: Record<string, string> = { OMP_NUM_THREADS: threads, OPENBLAS_NUM_THREADS: threads, MKL_NUM_THREADS: threads };
  for (const [name, value] of Object.entries(target.env)) {
    if (!RESERVED_ENV.has(name)) values[name] = value;
  }
  values.HOME = HOME;
  values.MLWB_JUPYTER_BASE_URL = target.jupyterBaseUrl;
  return [
    ...Object.entries(values).map(([name, value]) => ({ name, value })),
    { name: 'JUPYTER_TOKEN', valueFrom: { secretKeyRef: { name: secretName, key: TOKEN_KEY } } },
  ];
}

/** `<base>api`, with the base URL given a leading and a trailing slash as Jupyter has it. */
export function jupyterApiPath(baseUrl: string): string {
  const trimmed = baseUrl.replace(/^\/+|\/+$/g, '');
  return trimmed ? `/${trimmed}/api` : '/api';
}

/** Changes when anything that needs a new pod changes, the token included (it is read at container start). */
export function specHash(spec: V1Pod['spec'], token: string): string {
  const tokenHash = createHash('sha256').update(token).digest('hex');
  return createHash('sha256').update(JSON.stringify(spec)).update(tokenHash).digest('hex').slice(0, 16);
}
