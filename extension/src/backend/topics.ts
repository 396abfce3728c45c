import type { Topic } from '../../../backend/src/protocol/index.js';
import type { EventSource } from './link.js';

/**
 * Counts who follows each topic, so one consumer letting go of `logs:<id>` does not cut off another
 * (the progress notification and the log channel follow the same topic).
 */
export class TopicHolds {
  private readonly counts = new Map<Topic, number>();
  private readonly offState: () => void;

  constructor(private readonly events: EventSource) {
    // A subscribe sent while the socket was still connecting is dropped by the stream; the topic is
    // in its set, so sending it again once open (idempotent on the server) makes sure it arrived.
    this.offState = events.on('state', (state) => {
      if (state === 'open' && this.counts.size) events.subscribe([...this.counts.keys()]);
    });
  }

  /** Follows `topic` until the returned function is called (calling it twice lets go once). */
  hold(topic: Topic): () => void {
    const count = this.counts.get(topic) ?? 0;
    this.counts.set(topic, count + 1);
    if (count === 0) this.events.subscribe([topic]);
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      const left = (this.counts.get(topic) ?? 1) - 1;
      if (left > 0) {
        this.counts.set(topic, left);
        return;
      }
      this.counts.delete(topic);
      this.events.unsubscribe([topic]);
    };
  }

  dispose(): void {
    this.offState();
    this.counts.clear();
  }
}
