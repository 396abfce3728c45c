import { Namespace } from 'kubernetes-models/v1/Namespace';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Pod } from 'kubernetes-models/v1/Pod';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import { environmentManifests, resourceRequirements } from '../../../../backend/src/runtime/kubernetes/manifests.js';
import { runtimeTarget } from '../../../fixtures/kubernetes/builders.js';

const container = (target = runtimeTarget(), config = {}) => environmentManifests(target, config).pod.spec!.containers[0]!;
const envMap = (target = runtimeTarget()) => Object.fromEntries(container(target).env!.map((e) => [e.name, e]));

describe('Kubernetes manifests', () => {
  it('are valid against the Kubernetes OpenAPI schema', () => {
    const m = environmentManifests(runtimeTarget({ resources: { cpus: 2, memoryMiB: 4096, gpus: 1 } }), {
      nodeSelector: { pool: 'gpu' },
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
      storageClassName: 'fast',
      imagePullSecrets: ['registry'],
    });
    expect(() => new Namespace(m.namespace as never).validate()).not.toThrow();
    expect(() => new Secret(m.secret as never).validate()).not.toThrow();
    expect(() => new PersistentVolumeClaim(m.pvc as never).validate()).not.toThrow();
    expect(() => new Service(m.service as never).validate()).not.toThrow();
    expect(() => new Pod(m.pod as never).validate()).not.toThrow();
    // …and the schema check is real: a bad quantity fails it.
    const bad = { ...m.pod, spec: { ...m.pod.spec!, containers: [{ ...m.pod.spec!.containers[0]!, resources: { limits: { cpu: 'lots' } } }] } };
    expect(() => new Pod(bad as never).validate()).toThrow(/quantity/);
  });

  it('hold the pod to the restricted Pod Security profile', () => {
    const { pod, namespace } = environmentManifests(runtimeTarget());
    expect(namespace.metadata!.labels!['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(pod.spec!.automountServiceAccountToken).toBe(false);
    expect(pod.spec!.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
      fsGroup: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const c = pod.spec!.containers[0]!;
    expect(c.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.imagePullPolicy).toBe('IfNotPresent');
    expect(pod.spec!.restartPolicy).toBe('Always');
  });

  it('mount the workspace claim at the home directory and a size-limited emptyDir at /tmp', () => {
    const { pod, names } = environmentManifests(runtimeTarget(), { tmpSizeLimit: '2Gi' });
    expect(pod.spec!.volumes).toEqual([
      { name: 'workspace', persistentVolumeClaim: { claimName: names.pvc } },
      { name: 'tmp', emptyDir: { sizeLimit: '2Gi' } },
    ]);
    expect(pod.spec!.containers[0]!.volumeMounts).toEqual([
      { name: 'workspace', mountPath: '/home/mlwb' },
      { name: 'tmp', mountPath: '/tmp' },
    ]);
  });

  it('set requests equal to limits, and nvidia.com/gpu limits only when GPUs are asked for', () => {
    expect(resourceRequirements({ cpus: 1.5, memoryMiB: 2048, gpus: 0 })).toEqual({
      requests: { cpu: '1500m', memory: '2048Mi' },
      limits: { cpu: '1500m', memory: '2048Mi' },
    });
    expect(resourceRequirements({ cpus: 4, memoryMiB: 512, gpus: 2 })).toEqual({
      requests: { cpu: '4', memory: '512Mi' },
      limits: { cpu: '4', memory: '512Mi', 'nvidia.com/gpu': '2' },
    });
  });

  it('keep the Jupyter token out of the pod spec: it comes from the Secret', () => {
    const target = runtimeTarget({ env: { JUPYTER_TOKEN: 'user-value', HOME: '/root', FOO: 'bar' } });
    const m = environmentManifests(target);
    expect(JSON.stringify(m.pod)).not.toContain(target.jupyterToken);
    expect(JSON.stringify(m.pod)).not.toContain('user-value');
    expect(envMap(target).JUPYTER_TOKEN).toEqual({ name: 'JUPYTER_TOKEN', valueFrom: { secretKeyRef: { name: m.names.secret, key: 'token' } } });
    expect(Buffer.from(m.secret.data!.token!, 'base64').toString()).toBe(target.jupyterToken);
    expect(envMap(target).HOME!.value).toBe('/home/mlwb');
    expect(envMap(target).FOO!.value).toBe('bar');
  });

  it('pass the base URL, and size thread pools to the CPU limit (rounded up)', () => {
    const target = runtimeTarget({ resources: { cpus: 2.5, memoryMiB: 1024, gpus: 0 } });
    const env = envMap(target);
    expect(env.MLWB_JUPYTER_BASE_URL!.value).toBe(target.jupyterBaseUrl);
    for (const name of ['OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS']) expect(env[name]!.value).toBe('3');
    expect(envMap(runtimeTarget({ resources: { cpus: 0.25, memoryMiB: 256, gpus: 0 } })).OMP_NUM_THREADS!.value).toBe('1');
    expect(envMap(runtimeTarget({ env: { OMP_NUM_THREADS: '8' } })).OMP_NUM_THREADS!.value).toBe('8');
  });

  it('probe readiness on <base>api, port 8888', () => {
    expect(container().readinessProbe!.httpGet).toEqual({ path: '/api/v1/environments/env_AbCdEf123456/jupyter/api', port: 8888, scheme: 'HTTP' });
    expect(container(runtimeTarget({ jupyterBaseUrl: '' })).readinessProbe!.httpGet!.path).toBe('/api');
    expect(container(runtimeTarget({ jupyterBaseUrl: 'lab' })).readinessProbe!.httpGet!.path).toBe('/lab/api');
  });

  it('pass the node selector, tolerations and pull secrets through, and leave them out when not configured', () => {
    const tolerations = [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }];
    const { pod } = environmentManifests(runtimeTarget(), { nodeSelector: { pool: 'gpu' }, tolerations, imagePullSecrets: ['reg'] });
    expect(pod.spec!.nodeSelector).toEqual({ pool: 'gpu' });
    expect(pod.spec!.tolerations).toEqual(tolerations);
    expect(pod.spec!.imagePullSecrets).toEqual([{ name: 'reg' }]);
    const plain = environmentManifests(runtimeTarget()).pod.spec!;
    expect(plain).not.toHaveProperty('nodeSelector');
    expect(plain).not.toHaveProperty('tolerations');
    expect(plain).not.toHaveProperty('imagePullSecrets');
  });

  it('label everything with the environment, its owner and the manager; the service selects the pod', () => {
    const target = runtimeTarget();
    const m = environmentManifests(target);
    const labels = { 'mlwb.env': target.envId, 'mlwb.owner': target.ownerId, 'app.kubernetes.io/managed-by': 'mlwb' };
    for (const object of [m.secret, m.pvc, m.service, m.pod]) expect(object.metadata!.labels).toEqual(labels);
    expect(m.namespace.metadata!.labels).toMatchObject({ 'mlwb.owner': target.ownerId, 'app.kubernetes.io/managed-by': 'mlwb' });
    expect(m.service.spec).toMatchObject({ type: 'ClusterIP', ports: [{ port: 8888, targetPort: 'jupyter' }] });
    for (const [key, value] of Object.entries(m.service.spec!.selector!)) expect(m.pod.metadata!.labels![key]).toBe(value);
    for (const object of [m.secret, m.pvc, m.service, m.pod]) expect(object.metadata!.namespace).toBe(m.names.namespace);
  });

  it('size the workspace claim from the configuration', () => {
    expect(environmentManifests(runtimeTarget()).pvc.spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } });
    expect(environmentManifests(runtimeTarget(), { workspaceSize: '50Gi', storageClassName: 'ssd' }).pvc.spec).toMatchObject({
      storageClassName: 'ssd',
      resources: { requests: { storage: '50Gi' } },
    });
  });

  it('hash the pod spec and token, so a changed token or limit means a new pod', () => {
    const hash = (t = runtimeTarget()) => environmentManifests(t).pod.metadata!.annotations!['mlwb.spec-hash'];
    expect(hash()).toBe(hash());
    expect(hash(runtimeTarget({ jupyterToken: 'other' }))).not.toBe(hash());
    expect(hash(runtimeTarget({ resources: { cpus: 1, memoryMiB: 2048, gpus: 0 } }))).not.toBe(hash());
  });
});
