import { CoreV1Api, KubeConfig, Log, Metrics, type V1Pod, type V1Secret } from '@kubernetes/client-node';
import type { EnvironmentStats, ExecResult } from '../../protocol/index.js';
import {
  DriverError,
  type HostCapacity,
  type ImageRequest,
  type JobOutcome,
  type JobSpec,
  type JupyterEndpoint,
  type LogLine,
  type OwnedInstance,
  type PortAddress,
  type RuntimeDriver,
  type RuntimeStatus,
  type RuntimeTarget,
  type WorkspaceChange,
} from '../driver.js';
import { clusterCapacity, podStats, type PodUsage } from './capacity.js';
import { isConflict, isNotFound, toDriverError } from './errors.js';
import { execInPod } from './exec.js';
import { writePodWorkspace } from './files.js';
import { runPodJob } from './jobs.js';
import { logLineSink, parseLogText } from './logs.js';
import { environmentManifests, jupyterApiPath, type EnvironmentManifests, type KubernetesManifestConfig } from './manifests.js';
import { ANNOTATION_SPEC_HASH, CONTAINER_NAME, JUPYTER_PORT, TOKEN_KEY, envSelector, managedSelector } from './names.js';
import { PodPortForward } from './portforward.js';
import { podListens, PortForwards } from './ports.js';
import { podOwnedInstance, podReadiness, podRuntimeStatus } from './status.js';
import { pollUntil, waitForJupyter } from './wait.js';

export interface KubernetesDriverOptions extends KubernetesManifestConfig {
  /** The cluster to use; by default KUBECONFIG, then ~/.kube/config, then the in-cluster service account. */
  kubeConfig?: KubeConfig;
  /** How long `start` waits for the pod to be Ready (image pulls included). */
  startTimeoutMs?: number;
  /** How often pod state is read while waiting. */
  pollIntervalMs?: number;
}

const DEFAULT_START_TIMEOUT_MS = 5 * 60_000;
const STOP_TIMEOUT_MS = 60_000;

/**
 * Environments as Kubernetes pods. The manifests come from pure functions (manifests.ts); this
 * class only sends them and reads state back. It keeps no state a restart would miss: everything
 * is found again by the `mlwb.env` label, and port-forwards are reopened on demand.
 */
export class KubernetesDriver implements RuntimeDriver {
  readonly kind = 'kubernetes' as const;
  readonly limitsEnforced = true;
  private readonly kubeConfig: KubeConfig;
  private readonly core: CoreV1Api;
  private readonly forwards = new Map<string, PodPortForward>();
  private readonly portForwards: PortForwards;
  private readonly startTimeoutMs: number;
  private readonly pollIntervalMs: number;

  constructor(private readonly options: KubernetesDriverOptions = {}) {
    this.kubeConfig = options.kubeConfig ?? defaultKubeConfig();
    this.core = this.kubeConfig.makeApiClient(CoreV1Api);
    this.portForwards = new PortForwards(this.kubeConfig);
    this.startTimeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
  }

  async capacity(): Promise<HostCapacity> {
    const nodes = await this.call('listing nodes', () => this.core.listNode());
    return clusterCapacity(nodes.items, this.options.nodeSelector, this.options.tolerations);
  }

  /** Pods run images as they are: derived images with extra packages come from a build elsewhere. */
  async ensureImage(request: ImageRequest, _progress: (line: string) => void, _signal: AbortSignal): Promise<string> {
    if (request.packages.apt.length === 0 && request.packages.pip.length === 0) return request.baseImage;
    throw new DriverError(
      'The Kubernetes driver cannot build images with extra packages. Build the environment with the docker driver and push ' +
        'the image to a registry the cluster pulls from, or use an image that already has these packages.',
      'user',
    );
  }

  async start(target: RuntimeTarget, signal: AbortSignal): Promise<JupyterEndpoint> {
    const m = environmentManifests(target, this.options);
    const { names } = m;
    await this.createOrAdopt('creating the namespace', () => this.core.createNamespace({ body: m.namespace }));
    await this.upsertSecret(m.secret);
    await this.createOrAdopt('creating the workspace claim', () => this.core.createNamespacedPersistentVolumeClaim({ namespace: names.namespace, body: m.pvc }));
    await this.createOrAdopt('creating the service', () => this.core.createNamespacedService({ namespace: names.namespace, body: m.service }));
    await this.ensurePod(m, signal);
    try {
      await this.waitReady(names.namespace, names.pod, signal);
      const forward = await this.forwardTo(target.envId, names.namespace, names.pod);
      await waitForJupyter(`${forward.origin}${jupyterApiPath(target.jupyterBaseUrl)}`, target.jupyterToken, signal, this.pollIntervalMs);
      return { origin: forward.origin, token: target.jupyterToken };
    } catch (error) {
      // A pod that will not come up (or a start that was cancelled) should not hold its resources.
      await this.closeForward(target.envId);
      await this.deletePod(names.namespace, names.pod).catch(() => undefined);
      throw signal.aborted ? error : toDriverError(error, 'starting the environment');
    }
  }

  /** Deletes the pod and waits until it is gone; the workspace, token and service stay. */
  async stop(envId: string): Promise<void> {
    await this.closeForward(envId);
    const pods = await this.podsOf(envId);
    await Promise.all(pods.map((p) => this.deletePod(p.metadata!.namespace!, p.metadata!.name!)));
    await Promise.all(pods.map((p) => this.waitGone(p.metadata!.namespace!, p.metadata!.name!)));
  }

  async remove(envId: string, options: { purge: boolean }): Promise<void> {
    await this.closeForward(envId);
    const labelSelector = envSelector(envId);
    const pods = await this.podsOf(envId);
    await Promise.all(pods.map((p) => this.deletePod(p.metadata!.namespace!, p.metadata!.name!)));
    const services = await this.call('listing services', () => this.core.listServiceForAllNamespaces({ labelSelector }));
    const secrets = await this.call('listing secrets', () => this.core.listSecretForAllNamespaces({ labelSelector }));
    await Promise.all([
      ...services.items.map((s) => this.ignoreNotFound('deleting the service', () => this.core.deleteNamespacedService(ref(s)))),
      ...secrets.items.map((s) => this.ignoreNotFound('deleting the token secret', () => this.core.deleteNamespacedSecret(ref(s)))),
    ]);
    if (!options.purge) return;
    const claims = await this.call('listing workspace claims', () => this.core.listPersistentVolumeClaimForAllNamespaces({ labelSelector }));
    await Promise.all(
      claims.items.map((c) => this.ignoreNotFound('deleting the workspace claim', () => this.core.deleteNamespacedPersistentVolumeClaim(ref(c)))),
    );
  }

  async inspect(envId: string): Promise<RuntimeStatus | undefined> {
    // a pod on its way out (graceful deletion takes up to 30 s) no longer counts as the instance
    const pod = (await this.podsOf(envId)).find((p) => !p.metadata?.deletionTimestamp);
    if (pod) return podRuntimeStatus(pod);
    // Stopped: no pod, but the rest of the environment is still there.
    const services = await this.call('listing services', () => this.core.listServiceForAllNamespaces({ labelSelector: envSelector(envId) }));
    return services.items.length > 0 ? { running: false, exitCode: null, oomKilled: false } : undefined;
  }

  async endpoint(envId: string): Promise<JupyterEndpoint | undefined> {
    const pod = await this.podOf(envId);
    if (!pod || podReadiness(pod).state !== 'ready') return undefined;
    const namespace = pod.metadata!.namespace!;
    const secrets = await this.call('reading the token', () => this.core.listNamespacedSecret({ namespace, labelSelector: envSelector(envId) }));
    const token = secretToken(secrets.items[0]);
    if (token === undefined) return undefined;
    const forward = await this.forwardTo(envId, namespace, pod.metadata!.name!);
    return { origin: forward.origin, token };
  }

  async logs(envId: string, tail: number): Promise<LogLine[]> {
    const pod = await this.podOf(envId);
    if (!pod) return [];
    try {
      const text = await this.core.readNamespacedPodLog({ ...ref(pod), container: CONTAINER_NAME, tailLines: tail, timestamps: true });
      return parseLogText(text);
    } catch (error) {
      // 400: the container has not started yet, so there is nothing to read.
      if (isNotFound(error) || (error as { code?: number }).code === 400) return [];
      throw toDriverError(error, 'reading the logs');
    }
  }

  async followLogs(envId: string, onLine: (line: LogLine) => void): Promise<() => void> {
    const pod = await this.podOf(envId);
    if (!pod) return () => undefined;
    const sink = logLineSink(onLine);
    const since = new Date().toISOString();
    const controller = await this.call('following the logs', () =>
      new Log(this.kubeConfig).log(pod.metadata!.namespace!, pod.metadata!.name!, CONTAINER_NAME, sink, { follow: true, timestamps: true, sinceTime: since }),
    );
    return () => controller.abort();
  }

  async exec(envId: string, command: string[], timeoutMs: number): Promise<ExecResult> {
    const pod = await this.runningPod(envId);
    return execInPod(this.kubeConfig, pod.metadata!.namespace!, pod.metadata!.name!, command, timeoutMs);
  }

  async runJob(envId: string, spec: JobSpec, onOutput: (stream: 'stdout' | 'stderr', chunk: Buffer) => void, signal: AbortSignal): Promise<JobOutcome> {
    const pod = await this.runningPod(envId);
    const at = { namespace: pod.metadata!.namespace!, name: pod.metadata!.name! };
    return runPodJob(this.kubeConfig, at, (command) => execInPod(this.kubeConfig, at.namespace, at.name, command, 10_000), spec, onOutput, signal);
  }

  async writeWorkspace(envId: string, change: WorkspaceChange): Promise<{ root: string }> {
    const pod = await this.runningPod(envId);
    const at = { namespace: pod.metadata!.namespace!, name: pod.metadata!.name! };
    return writePodWorkspace(this.kubeConfig, at, (command, timeoutMs) => execInPod(this.kubeConfig, at.namespace, at.name, command, timeoutMs), change);
  }

  async portAddress(envId: string, port: number): Promise<PortAddress | undefined> {
    const pod = await this.podOf(envId);
    if (!pod || !podRuntimeStatus(pod).running) return undefined;
    const address = await this.portForwards.address(envId, pod.metadata!.namespace!, pod.metadata!.name!, port);
    return { ...address, listening: () => podListens((command) => execInPod(this.kubeConfig, pod.metadata!.namespace!, pod.metadata!.name!, command, 10_000), port) };
  }

  async stats(envId: string): Promise<EnvironmentStats> {
    const pod = await this.runningPod(envId);
    return podStats(pod, await this.podUsage(pod), new Date());
  }

  async list(): Promise<OwnedInstance[]> {
    const pods = await this.call('listing pods', () => this.core.listPodForAllNamespaces({ labelSelector: managedSelector }));
    return pods.items.map(podOwnedInstance).filter((i): i is OwnedInstance => i !== undefined);
  }

  /** Closes the local port-forwards; the pods keep running. */
  async close(): Promise<void> {
    await Promise.all([...this.forwards.keys()].map((envId) => this.closeForward(envId)));
  }

  private async call<T>(doing: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw toDriverError(error, doing);
    }
  }

  private async createOrAdopt(doing: string, create: () => Promise<unknown>): Promise<void> {
    try {
      await create();
    } catch (error) {
      if (!isConflict(error)) throw toDriverError(error, doing);
    }
  }

  private async ignoreNotFound(doing: string, request: () => Promise<unknown>): Promise<void> {
    try {
      await request();
    } catch (error) {
      if (!isNotFound(error)) throw toDriverError(error, doing);
    }
  }

  /** Creates the token secret, or replaces an existing one whose token differs (a new start may bring a new token). */
  private async upsertSecret(secret: V1Secret): Promise<void> {
    const { name, namespace } = ref(secret);
    try {
      await this.core.createNamespacedSecret({ namespace, body: secret });
      return;
    } catch (error) {
      if (!isConflict(error)) throw toDriverError(error, 'creating the token secret');
    }
    const existing = await this.call('reading the token secret', () => this.core.readNamespacedSecret({ name, namespace }));
    if (existing.data?.[TOKEN_KEY] === secret.data?.[TOKEN_KEY]) return;
    const body = { ...secret, metadata: { ...secret.metadata, resourceVersion: existing.metadata?.resourceVersion } };
    await this.call('updating the token secret', () => this.core.replaceNamespacedSecret({ name, namespace, body }));
  }

  /** Adopts a pod built from the same spec and token; replaces one that differs, is finished, or is on its way out. */
  private async ensurePod(m: EnvironmentManifests, signal: AbortSignal): Promise<void> {
    const { namespace, pod: name } = m.names;
    const create = (): Promise<V1Pod> => this.core.createNamespacedPod({ namespace, body: m.pod });
    try {
      await create();
      return;
    } catch (error) {
      if (!isConflict(error)) throw toDriverError(error, 'creating the pod');
    }
    const existing = await this.call('reading the pod', () => this.core.readNamespacedPod({ name, namespace }));
    const sameSpec = existing.metadata?.annotations?.[ANNOTATION_SPEC_HASH] === m.pod.metadata?.annotations?.[ANNOTATION_SPEC_HASH];
    const finished = existing.status?.phase === 'Failed' || existing.status?.phase === 'Succeeded';
    if (sameSpec && !finished && !existing.metadata?.deletionTimestamp) return;
    await this.deletePod(namespace, name);
    await this.waitGone(namespace, name, signal);
    await this.call('creating the pod', create);
  }

  private async waitReady(namespace: string, name: string, signal: AbortSignal): Promise<void> {
    const check = async (): Promise<true | string> => {
      const readiness = podReadiness(await this.call('reading the pod', () => this.core.readNamespacedPod({ name, namespace })));
      if (readiness.state === 'failed') throw new DriverError(`The environment did not start: ${readiness.reason}`, readiness.blame);
      return readiness.state === 'ready' ? true : readiness.reason;
    };
    await pollUntil(check, { timeoutMs: this.startTimeoutMs, intervalMs: this.pollIntervalMs, signal }, (last) => {
      return new DriverError(`The environment's pod was not ready after ${Math.round(this.startTimeoutMs / 1000)} s: ${last}`, 'engine');
    });
  }

  private async waitGone(namespace: string, name: string, signal?: AbortSignal): Promise<void> {
    const check = async (): Promise<true | string> => {
      try {
        await this.core.readNamespacedPod({ name, namespace });
        return 'still there';
      } catch (error) {
        if (isNotFound(error)) return true;
        throw toDriverError(error, 'reading the pod');
      }
    };
    await pollUntil(check, { timeoutMs: STOP_TIMEOUT_MS, intervalMs: this.pollIntervalMs, ...(signal ? { signal } : {}) }, () => {
      return new DriverError(`The pod ${namespace}/${name} was still there ${STOP_TIMEOUT_MS / 1000} s after it was deleted`, 'engine');
    });
  }

  private async deletePod(namespace: string, name: string): Promise<void> {
    await this.ignoreNotFound('deleting the pod', () => this.core.deleteNamespacedPod({ name, namespace }));
  }

  private async podsOf(envId: string): Promise<V1Pod[]> {
    const pods = await this.call('listing pods', () => this.core.listPodForAllNamespaces({ labelSelector: envSelector(envId) }));
    return pods.items;
  }

  /** The environment's pod, preferring one that is not being deleted. */
  private async podOf(envId: string): Promise<V1Pod | undefined> {
    const pods = await this.podsOf(envId);
    return pods.find((p) => !p.metadata?.deletionTimestamp) ?? pods[0];
  }

  private async runningPod(envId: string): Promise<V1Pod> {
    const pod = await this.podOf(envId);
    if (!pod || !podRuntimeStatus(pod).running) throw new DriverError('The environment is not running', 'user');
    return pod;
  }

  /** metrics.k8s.io usage, or nothing when the cluster has no metrics API (see podStats). */
  private async podUsage(pod: V1Pod): Promise<PodUsage | undefined> {
    try {
      const list = await new Metrics(this.kubeConfig).getPodMetrics(pod.metadata!.namespace!);
      return list.items.find((i) => i.metadata.name === pod.metadata!.name);
    } catch {
      return undefined;
    }
  }

  private async forwardTo(envId: string, namespace: string, pod: string): Promise<PodPortForward> {
    const existing = this.forwards.get(envId);
    if (existing && existing.namespace === namespace && existing.pod === pod) return existing;
    await existing?.close();
    const forward = await PodPortForward.open(this.kubeConfig, namespace, pod, JUPYTER_PORT);
    this.forwards.set(envId, forward);
    return forward;
  }

  private async closeForward(envId: string): Promise<void> {
    const forward = this.forwards.get(envId);
    this.forwards.delete(envId);
    await forward?.close();
    await this.portForwards.close(envId);
  }
}

function defaultKubeConfig(): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault();
  return kubeConfig;
}

function ref(object: { metadata?: { name?: string; namespace?: string } }): { name: string; namespace: string } {
  return { name: object.metadata?.name ?? '', namespace: object.metadata?.namespace ?? '' };
}

function secretToken(secret: V1Secret | undefined): string | undefined {
  const data = secret?.data?.[TOKEN_KEY];
  return data === undefined ? undefined : Buffer.from(data, 'base64').toString('utf8');
}
