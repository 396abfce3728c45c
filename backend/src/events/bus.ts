import { EventPayload, type ServerEvent, type Topic } from '../protocol/index.js';
import { randomBase62 } from '../store/ids.js';

/** Who may receive an event: its owners, and admins when `admins` is set. */
export interface Audience {
  userIds: string[];
  admins?: boolean;
}

export interface Viewer {
  id: string;
  role: 'admin' | 'user';
}

interface Entry {
  seq: number;
  audience: Audience;
  event: ServerEvent;
}

export type Replay = { kind: 'complete'; events: ServerEvent[] } | { kind: 'reset' };

export const canSee = (viewer: Viewer, audience: Audience): boolean =>
  audience.userIds.includes(viewer.id) || (audience.admins === true && viewer.role === 'admin');

/**
 * In-process event bus with a bounded replay buffer. Publishing is synchronous, so a subscriber
 * that replays and then subscribes within one tick can neither miss nor repeat an event.
 */
export class EventBus {
  readonly epoch = randomBase62(8).toLowerCase();
  private seq = 0;
  private readonly buffer: Entry[] = [];
  private readonly subscribers = new Set<(entry: Entry) => void>();

  constructor(private readonly capacity = 10_000) {}

  publish(audience: Audience, topic: Topic, payload: EventPayload): ServerEvent {
    const seq = ++this.seq;
    const event: ServerEvent = { id: `${this.epoch}-${seq}`, topic, at: new Date().toISOString(), payload: EventPayload.parse(payload) };
    const entry = { seq, audience, event };
    this.buffer.push(entry);
    if (this.buffer.length > this.capacity) this.buffer.shift();
    for (const fn of this.subscribers) fn(entry);
    return event;
  }

  /** The buffered events after `lastEventId` that `viewer` may see on `topics`, or `reset` when the gap is not covered. */
  since(lastEventId: string, viewer: Viewer, topics: ReadonlySet<Topic>): Replay {
    const [epoch, seqText] = lastEventId.split('-');
    const last = Number(seqText);
    if (epoch !== this.epoch || !Number.isSafeInteger(last) || last > this.seq) return { kind: 'reset' };
    const oldest = this.buffer[0]?.seq ?? this.seq + 1;
    if (last < oldest - 1) return { kind: 'reset' };
    const events = this.buffer.filter((e) => e.seq > last && topics.has(e.event.topic) && canSee(viewer, e.audience)).map((e) => e.event);
    return { kind: 'complete', events };
  }

  subscribe(viewer: Viewer, topics: ReadonlySet<Topic>, fn: (event: ServerEvent) => void): () => void {
    const listener = (entry: Entry): void => {
      if (topics.has(entry.event.topic) && canSee(viewer, entry.audience)) fn(entry.event);
    };
    this.subscribers.add(listener);
    return () => this.subscribers.delete(listener);
  }
}
