import { HttpError, notFound } from '../api/errors.js';
import type { EventBus } from '../events/bus.js';
import type {
  CreateEnvironmentBody,
  Environment,
  EnvironmentState,
  EnvironmentStats,
  ExecResult,
  LogLines,
  ResizeBody,
  Resources,
  User,
} from '../protocol/index.js';
import { DriverError, type HostCapacity, type JupyterEndpoint, type OwnedInstance, type RuntimeDriver } from '../runtime/driver.js';
import type { EnvRecord } from '../store/environments.js';
import type { Store } from '../store/index.js';
import type { ImageCatalog } from './catalog.js';
import { admit, couldEverFit, queueOrder, sumResources } from './scheduler.js';
import { assertResizable, resizedSpec } from './resize.js';
import { KeyedSerial } from './serial.js';

/** An engine failure (not a DriverError already) becomes one, so the client gets a 503 with the reason, not a 500. */
async function engine<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof DriverError || err instanceof HttpError) throw err;
    throw new DriverError(`${what}: ${(err as Error).message}`, 'engine', { cause: err });
  }
}

/** States that hold a share of the host: their resources are in use. */
const ACTIVE: EnvironmentState[] = ['building', 'starting', 'running', 'stopping'];

export interface EnvironmentServiceOptions {
  /** Overrides of what the driver reports (e.g. `--capacity-cpus`), for shared hosts and tests. */
  capacity?: Partial<HostCapacity>;
  /** This backend's identity: only instances it created are removed as orphans. */
  backendId: string;
  /** The path prefix the backend serves an environment's Jupyter under. */
  jupyterBasePath(envId: string): string;
  log: { info(msg: string): void; warn(msg: string): void; error(msg: string): void };
}

type Logger = EnvironmentServiceOptions['log'];

/**
 * The environment lifecycle: validation against the catalog and capacity, the priority queue,
 * builds and starts through the driver, stop/delete, and reconciliation after a restart. State
 * lives in the store; every change is published on the `environments` topic.
 */
export class EnvironmentService {
  private readonly serial = new KeyedSerial();
  private readonly inFlight = new Map<string, AbortController>();
  /** Disposers of the log followers of running environments. */
  private readonly followers = new Map<string, () => void>();
  private hostCapacity: HostCapacity | undefined;
  private readonly log: Logger;

  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
    readonly driver: RuntimeDriver,
    private readonly catalog: ImageCatalog,
    private readonly options: EnvironmentServiceOptions,
  ) {
    this.log = options.log;
  }

  async capacity(): Promise<HostCapacity> {
    this.hostCapacity ??= { ...(await this.driver.capacity()), ...this.options.capacity };
    return this.hostCapacity;
  }

  usage(): HostCapacity {
    return sumResources(this.store.environments.list().filter((r) => ACTIVE.includes(r.env.state)).map((r) => r.env.resources));
  }

  queued(): EnvRecord[] {
    const queued = this.store.environments.list({ state: 'queued' });
    const order = queueOrder(queued.map(toQueued));
    return order.map((q) => queued.find((r) => r.env.id === q.id)!);
  }

  /** The API view: the stored environment plus its live queue position. */
  view(record: EnvRecord): Environment {
    if (record.env.state !== 'queued') return record.env;
    const position = this.queued().findIndex((r) => r.env.id === record.env.id);
    return { ...record.env, queuePosition: position >= 0 ? position + 1 : null };
  }

  list(owner: User, state?: EnvironmentState, limit?: number): Environment[] {
    return this.store.environments.list({ ownerId: owner.id, state, limit }).map((r) => this.view(r));
  }

  /** The caller's environment, or 404 for anything else (another user's included). */
  own(owner: User, id: string): EnvRecord {
    const record = this.store.environments.get(id);
    if (!record || record.env.ownerId !== owner.id) throw notFound('environment');
    return record;
  }

  async create(owner: User, body: Omit<CreateEnvironmentBody, 'packages' | 'env'> & { packages: Environment['packages']; env: Record<string, string> }): Promise<Environment> {
    const image = await this.catalog.get(body.image);
    if (!image) throw new HttpError('unprocessable', `no image "${body.image}" in the catalog`, [{ path: 'body.image', message: 'unknown image; see GET /api/v1/images' }]);
    if (!image.built) {
      throw new HttpError('unprocessable', `image "${body.image}" is not built on this engine`, [
        { path: 'body.image', message: `not built here; run "mlwb images build ${body.image}"${image.offline ? '' : ` (${image.offlineNote ?? 'needs a registry'})`}` },
      ]);
    }
    const resources: Resources = {
      cpus: body.cpus ?? image.defaultResources.cpus,
      memoryMiB: body.memoryMiB ?? image.defaultResources.memoryMiB,
      gpus: body.gpus ?? image.defaultResources.gpus,
    };
    await this.refuseImpossible(resources);
    if (this.store.environments.byName(owner.id, body.name)) {
      throw new HttpError('conflict', `an environment named "${body.name}" already exists`, [{ path: 'body.name', message: 'already taken' }]);
    }
    const { start, ...spec } = body;
    const record = this.store.environments.create(
      owner.id,
      { spec: { ...spec, idleTimeoutMinutes: spec.idleTimeoutMinutes ?? 120, priority: spec.priority ?? 50 }, resources },
      this.driver.kind,
      this.driver.limitsEnforced,
    );
    this.publish(record, 'resource.created');
    return start === false ? this.view(record) : this.start(owner, record.env.id);
  }

  private async refuseImpossible(resources: Resources): Promise<void> {
    const capacity = await this.capacity();
    if (couldEverFit(capacity, resources)) return;
    const issues = (['cpus', 'memoryMiB', 'gpus'] as const)
      .filter((k) => resources[k] > capacity[k])
      .map((k) => ({ path: `body.${k}`, message: `${resources[k]} requested, this host has ${capacity[k]}` }));
    throw new HttpError('unprocessable', 'the environment can never fit on this host', issues);
  }

  /**
   * New resources for a queued, stopped or failed environment, used from its next start. A queued
   * one is re-evaluated at once: it may start now, or wait longer.
   */
  async resize(owner: User, id: string, body: ResizeBody): Promise<Environment> {
    const { env } = this.own(owner, id);
    assertResizable(env);
    const stored = resizedSpec(env, body);
    await this.refuseImpossible(stored.resources);
    // read again after the await: the scheduler may have admitted it meanwhile
    assertResizable(this.own(owner, id).env);
    this.store.environments.updateSpec(id, stored);
    const record = this.store.environments.get(id)!;
    this.publish(record);
    if (record.env.state === 'queued') this.schedule();
    return this.view(record);
  }

  /** Queues the environment; it starts as soon as it fits. Idempotent for one already on its way. */
  start(owner: User, id: string): Environment {
    const record = this.own(owner, id);
    const { state } = record.env;
    if (state === 'queued' || state === 'building' || state === 'starting' || state === 'running') return this.view(record);
    if (state === 'stopping') throw new HttpError('conflict', 'the environment is stopping; start it again once it has stopped');
    const queued = this.store.environments.update(id, { state: 'queued', reason: null, queuedAt: new Date().toISOString() })!;
    this.publish(queued);
    this.schedule();
    return this.view(this.store.environments.get(id)!);
  }

  /** Stops (or dequeues) the environment; resolves once it is stopped. */
  async stop(owner: User, id: string, reason: string | null = null): Promise<Environment> {
    const record = this.own(owner, id);
    return this.stopRecord(record, reason);
  }

  private async stopRecord(record: EnvRecord, reason: string | null): Promise<Environment> {
    const { id, state } = record.env;
    if (state === 'stopped' || state === 'failed') return this.view(record);
    if (state === 'queued') {
      this.publish(this.store.environments.update(id, { state: 'stopped', queuedAt: null, reason: reason ?? 'cancelled while queued' })!);
      this.schedule();
      return this.view(this.store.environments.get(id)!);
    }
    this.inFlight.get(id)?.abort();
    this.unfollow(id);
    this.publish(this.store.environments.update(id, { state: 'stopping' })!);
    return this.serial.run(id, async () => {
      try {
        await this.driver.stop(id);
        this.publish(this.store.environments.update(id, { state: 'stopped', reason, queuedAt: null })!);
      } catch (err) {
        this.publish(this.store.environments.update(id, { state: 'failed', reason: `stop failed: ${(err as Error).message}` })!);
      }
      this.schedule();
      return this.view(this.store.environments.get(id)!);
    });
  }

  async restart(owner: User, id: string): Promise<Environment> {
    await this.stop(owner, id);
    return this.start(owner, id);
  }

  async delete(owner: User, id: string, purge: boolean): Promise<Environment> {
    const record = this.own(owner, id);
    this.inFlight.get(id)?.abort();
    this.unfollow(id);
    return this.serial.run(id, async () => {
      await engine('removing the environment', () => this.driver.remove(id, { purge }));
      this.store.environments.delete(id);
      this.publish(record, 'resource.deleted');
      this.schedule();
      return { ...record.env, state: 'stopped' as const };
    });
  }

  async logs(owner: User, id: string, tail: number): Promise<LogLines> {
    this.own(owner, id);
    return { lines: await engine('reading the log', () => this.driver.logs(id, tail)) };
  }

  async stats(owner: User, id: string): Promise<EnvironmentStats> {
    this.running(owner, id);
    return engine('reading usage', () => this.driver.stats(id));
  }

  async exec(owner: User, id: string, command: string[], timeoutSeconds: number): Promise<ExecResult> {
    this.running(owner, id);
    return engine('running the command', () => this.driver.exec(id, command, timeoutSeconds * 1000));
  }

  /** Where the backend reaches the caller's running environment's Jupyter server. */
  async jupyter(owner: User, id: string): Promise<JupyterEndpoint> {
    this.running(owner, id);
    const endpoint = await engine('finding the Jupyter server', () => this.driver.endpoint(id));
    if (!endpoint) throw new HttpError('conflict', 'the environment is running but its Jupyter server cannot be reached');
    this.store.environments.update(id, { lastActivityAt: new Date().toISOString() });
    return endpoint;
  }

  private running(owner: User, id: string): EnvRecord {
    const record = this.own(owner, id);
    if (record.env.state !== 'running') throw new HttpError('conflict', `the environment is ${record.env.state}, not running`);
    return record;
  }

  /** Starts whatever fits now, in queue order; updates the queue positions everyone sees. */
  schedule(): void {
    void this.capacity().then((capacity) => {
      const queue = this.queued();
      const admitted = admit(queue.map(toQueued), capacity, this.usage());
      for (const id of admitted) {
        this.publish(this.store.environments.update(id, { state: 'building', queuedAt: null, reason: null })!);
        void this.launch(id);
      }
      // positions moved for everyone still waiting
      if (admitted.length) for (const r of this.queued()) this.publish(r);
    });
  }

  private launch(id: string): Promise<void> {
    const abort = new AbortController();
    this.inFlight.set(id, abort);
    return this.serial.run(id, async () => {
      const record = this.store.environments.get(id);
      if (!record || abort.signal.aborted) return;
      const { env } = record;
      const image = await this.catalog.get(env.image);
      try {
        if (!image) throw new Error(`image "${env.image}" is no longer in the catalog`);
        const imageRef = await this.driver.ensureImage(
          { envId: id, ownerId: env.ownerId, baseImage: image.tag, packages: env.packages },
          (line) => this.bus.publish({ userIds: [env.ownerId] }, `logs:${id}`, { kind: 'log', stream: 'system', line }),
          abort.signal,
        );
        if (abort.signal.aborted) return;
        this.publish(this.store.environments.update(id, { state: 'starting', imageRef })!);
        await this.driver.start(
          { envId: id, ownerId: env.ownerId, name: env.name, imageRef, resources: env.resources, env: env.env, jupyterToken: record.jupyterToken, jupyterBaseUrl: this.options.jupyterBasePath(id) },
          abort.signal,
        );
        if (abort.signal.aborted) return;
        const now = new Date().toISOString();
        this.publish(this.store.environments.update(id, { state: 'running', startedAt: now, lastActivityAt: now, reason: null })!);
        await this.followLogs(id, env.ownerId);
      } catch (err) {
        if (abort.signal.aborted) return; // a stop or delete took over
        this.log.warn(`environment ${id} failed to start: ${(err as Error).message}`);
        // never leave a half-made environment behind: the instance goes, the workspace stays
        await this.driver.remove(id, { purge: false }).catch(() => undefined);
        this.publish(this.store.environments.update(id, { state: 'failed', reason: (err as Error).message })!);
      } finally {
        this.inFlight.delete(id);
        this.schedule();
      }
    });
  }

  /**
   * After a backend restart: adopt instances that still run, requeue what was on its way, stop what
   * should not run, and remove instances of environments that no longer exist.
   */
  async reconcile(): Promise<void> {
    const instances = new Map((await this.driver.list()).map((i) => [i.envId, i]));
    for (const record of this.store.environments.list()) {
      const instance = instances.get(record.env.id);
      instances.delete(record.env.id);
      await this.reconcileOne(record, instance?.running ?? false);
    }
    for (const orphan of instances.values()) await this.removeOrphan(orphan);
    this.schedule();
  }

  private async reconcileOne(record: EnvRecord, instanceRunning: boolean): Promise<void> {
    const { id, state } = record.env;
    if (state === 'running' && instanceRunning) {
      await this.followLogs(id, record.env.ownerId); // adopted
    } else if (state === 'running' || state === 'stopping') {
      if (instanceRunning) await this.driver.stop(id).catch(() => undefined);
      this.publish(this.store.environments.update(id, { state: 'stopped', reason: state === 'running' ? 'stopped while the backend was down' : null })!);
    } else if (state === 'building' || state === 'starting') {
      await this.driver.remove(id, { purge: false }).catch(() => undefined);
      this.publish(this.store.environments.update(id, { state: 'queued', queuedAt: new Date().toISOString(), reason: 'requeued after a backend restart' })!);
    } else if (instanceRunning) {
      await this.driver.stop(id).catch(() => undefined);
    }
  }

  /** An instance of an environment that no longer exists: removed if this backend made it. */
  private async removeOrphan(orphan: OwnedInstance): Promise<void> {
    // the local driver's instances live in this backend's own data directory
    const ours = orphan.backendId === this.options.backendId || (orphan.backendId === undefined && this.driver.kind === 'local');
    if (!ours) return; // another backend's, on a shared engine
    this.log.info(`removing orphaned instance of deleted environment ${orphan.envId}`);
    await this.driver.remove(orphan.envId, { purge: false }).catch((err: Error) => this.log.warn(`could not remove ${orphan.envId}: ${err.message}`));
  }

  /** Stops running environments whose Jupyter server reports no activity for their idle timeout. */
  async stopIdle(lastActivity: (record: EnvRecord) => Promise<Date | undefined>, now = new Date()): Promise<string[]> {
    const stopped: string[] = [];
    for (const record of this.store.environments.list({ state: 'running' })) {
      const minutes = record.env.idleTimeoutMinutes;
      if (minutes === 0) continue;
      const last = (await lastActivity(record)) ?? new Date(record.env.lastActivityAt ?? record.env.startedAt ?? now.toISOString());
      this.store.environments.update(record.env.id, { lastActivityAt: last.toISOString() });
      if (now.getTime() - last.getTime() < minutes * 60_000) continue;
      await this.stopRecord(this.store.environments.get(record.env.id)!, `stopped after ${minutes} idle minutes`);
      stopped.push(record.env.id);
    }
    return stopped;
  }

  /** Publishes the environment's output on `logs:<id>` while it runs. */
  private async followLogs(id: string, ownerId: string): Promise<void> {
    this.unfollow(id);
    try {
      const dispose = await this.driver.followLogs(id, (line) => this.bus.publish({ userIds: [ownerId] }, `logs:${id}`, { kind: 'log', stream: line.stream, line: line.line }));
      this.followers.set(id, dispose);
    } catch (err) {
      this.log.warn(`cannot follow the log of ${id}: ${(err as Error).message}`);
    }
  }

  private unfollow(id: string): void {
    this.followers.get(id)?.();
    this.followers.delete(id);
  }

  /** Stops following logs; running environments keep running (the next start adopts them). */
  close(): void {
    for (const id of [...this.followers.keys()]) this.unfollow(id);
  }

  /** Settles every lifecycle task started so far (for shutdown and tests). */
  idle(): Promise<void> {
    return this.serial.idle();
  }

  private publish(record: EnvRecord, kind: 'resource.created' | 'resource.changed' | 'resource.deleted' = 'resource.changed'): void {
    const env = this.view(record);
    this.bus.publish({ userIds: [env.ownerId] }, 'environments', { kind, resource: 'environment', resourceId: env.id, data: env });
  }
}

function toQueued(record: EnvRecord): { id: string; priority: number; queuedAt: string; resources: Resources } {
  return { id: record.env.id, priority: record.env.priority, queuedAt: record.queuedAt ?? record.env.updatedAt, resources: record.env.resources };
}
