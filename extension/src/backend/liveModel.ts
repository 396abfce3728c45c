import type { ServerEvent, Topic } from '../../../backend/src/protocol/index.js';
import { errorText } from '../environments/format.js';
import type { BackendLink, LinkedBackend } from './link.js';

export type ModelStatus =
  /** No backend is connected: nothing is known. */
  | { status: 'offline' }
  | { status: 'loading' }
  | { status: 'ready' }
  | { status: 'failed'; message: string };

/** What a model follows: the link to the backend (the real one, or a test double). */
export type ModelLink = Pick<BackendLink, 'current' | 'onDidChange'>;

/** What one kind of resource brings to a {@link LiveModel}. */
export interface LiveSource<S, C> {
  /** The topic the model holds while a backend is connected (none: the session follows it anyway). */
  topic?: Topic;
  /** What is known while nothing is listed yet. */
  empty: S;
  list(backend: LinkedBackend): Promise<S>;
  /** The change an event carries, or undefined for any other event. */
  change(event: ServerEvent): C | undefined;
  /** `state` with `change` applied; the same object when nothing changed. */
  apply(state: S, change: C): S;
}

/**
 * A resource list kept current: listed when a backend connects, changed by its topic's events as
 * they come, listed again when the stream could not resume (`reset`). The topic is held before the
 * list is asked for, and changes that arrive while the list is on its way are applied over it, so
 * nothing falls between the list and the events.
 */
export class LiveModel<S, C> {
  private value: S;
  private state: ModelStatus = { status: 'offline' };
  /** Changes that arrive while a list is on its way; applied over it. */
  private pending: C[] | undefined;
  private generation = 0;
  private detach: (() => void) | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly offLink: () => void;

  constructor(
    private readonly link: ModelLink,
    private readonly source: LiveSource<S, C>,
  ) {
    this.value = source.empty;
    this.offLink = link.onDidChange((backend) => this.attach(backend));
    this.attach(link.current);
  }

  get status(): ModelStatus {
    return this.state;
  }

  get current(): S {
    return this.value;
  }

  onDidChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Lists again; resolves once the list is in (or failed, which `status` tells). */
  async refresh(): Promise<void> {
    const backend = this.link.current;
    if (!backend) return;
    const generation = ++this.generation;
    this.pending ??= [];
    this.setStatus({ status: 'loading' });
    try {
      let value: S = await this.source.list(backend);
      if (generation !== this.generation) return;
      for (const change of this.pending ?? []) value = this.source.apply(value, change);
      this.pending = undefined;
      this.value = value;
      this.setStatus({ status: 'ready' });
    } catch (error) {
      if (generation !== this.generation) return;
      this.pending = undefined;
      this.setStatus({ status: 'failed', message: errorText(error) });
    }
  }

  /** Applies what a command's answer says at once, without waiting for its event. */
  apply(change: C): void {
    if (this.pending) {
      this.pending.push(change);
      return;
    }
    const next = this.source.apply(this.value, change);
    if (next === this.value) return;
    this.value = next;
    this.fire();
  }

  dispose(): void {
    this.offLink();
    this.detach?.();
    this.listeners.clear();
  }

  private attach(backend: LinkedBackend | undefined): void {
    this.detach?.();
    this.detach = undefined;
    this.generation += 1;
    this.pending = undefined;
    this.value = this.source.empty;
    if (!backend) {
      this.setStatus({ status: 'offline' });
      return;
    }
    const release = this.source.topic ? backend.topics.hold(this.source.topic) : undefined;
    const offEvent = backend.events.on('event', (event) => {
      const change = this.source.change(event);
      if (change !== undefined) this.apply(change);
    });
    const offReset = backend.events.on('reset', () => void this.refresh());
    this.detach = () => {
      offEvent();
      offReset();
      release?.();
    };
    void this.refresh();
  }

  private setStatus(state: ModelStatus): void {
    this.state = state;
    this.fire();
  }

  private fire(): void {
    this.listeners.forEach((fn) => fn());
  }
}
