import { describe, expect, it } from 'vitest';
import { EventBus, type Viewer } from '../../../backend/src/events/bus.js';
import type { ServerEvent } from '../../../backend/src/protocol/index.js';

const alice: Viewer = { id: 'usr_alice0001', role: 'user' };
const bob: Viewer = { id: 'usr_bob000001', role: 'user' };
const admin: Viewer = { id: 'usr_admin0001', role: 'admin' };
const created = (id: string) => ({ kind: 'resource.created' as const, resource: 'token', resourceId: id });

describe('EventBus', () => {
  it('numbers events within an epoch and delivers them to their audience only', () => {
    const bus = new EventBus();
    const got: Record<string, ServerEvent[]> = { alice: [], bob: [], admin: [] };
    const topics = new Set(['tokens']);
    bus.subscribe(alice, topics, (e) => got.alice!.push(e));
    bus.subscribe(bob, topics, (e) => got.bob!.push(e));
    bus.subscribe(admin, topics, (e) => got.admin!.push(e));
    const e1 = bus.publish({ userIds: [alice.id], admins: true }, 'tokens', created('tok_1'));
    bus.publish({ userIds: [bob.id] }, 'tokens', created('tok_2'));
    bus.publish({ userIds: [alice.id] }, 'users', created('usr_3'));
    expect(e1.id).toBe(`${bus.epoch}-1`);
    expect(got.alice!.map((e) => e.id)).toEqual([`${bus.epoch}-1`]);
    expect(got.bob!.map((e) => e.id)).toEqual([`${bus.epoch}-2`]);
    expect(got.admin!.map((e) => e.id)).toEqual([`${bus.epoch}-1`]);
  });

  it('replays what came after an id, filtered by topic and audience', () => {
    const bus = new EventBus();
    const first = bus.publish({ userIds: [alice.id] }, 'tokens', created('a'));
    bus.publish({ userIds: [alice.id] }, 'tokens', created('b'));
    bus.publish({ userIds: [bob.id] }, 'tokens', created('c'));
    bus.publish({ userIds: [alice.id] }, 'users', created('d'));
    bus.publish({ userIds: [alice.id] }, 'tokens', created('e'));
    const replay = bus.since(first.id, alice, new Set(['tokens']));
    expect(replay.kind).toBe('complete');
    const ids = replay.kind === 'complete' ? replay.events.map((e) => (e.payload.kind === 'resource.created' ? e.payload.resourceId : '')) : [];
    expect(ids).toEqual(['b', 'e']);
  });

  it('asks for a reset when the gap is no longer buffered, or the id is from another run', () => {
    const bus = new EventBus(3);
    const first = bus.publish({ userIds: [alice.id] }, 'tokens', created('1'));
    for (let i = 2; i <= 5; i++) bus.publish({ userIds: [alice.id] }, 'tokens', created(String(i)));
    const topics = new Set(['tokens']);
    expect(bus.since(first.id, alice, topics).kind).toBe('reset');
    expect(bus.since(`${bus.epoch}-2`, alice, topics).kind).toBe('complete'); // 3, 4, 5 are still there
    expect(bus.since('otherrun-4', alice, topics).kind).toBe('reset');
    expect(bus.since(`${bus.epoch}-99`, alice, topics).kind).toBe('reset');
  });

  it('stops delivering after unsubscribe, and follows topic changes of a live set', () => {
    const bus = new EventBus();
    const topics = new Set<string>();
    const got: string[] = [];
    const off = bus.subscribe(alice, topics, (e) => got.push(e.topic));
    bus.publish({ userIds: [alice.id] }, 'tokens', created('x'));
    topics.add('tokens');
    bus.publish({ userIds: [alice.id] }, 'tokens', created('y'));
    off();
    bus.publish({ userIds: [alice.id] }, 'tokens', created('z'));
    expect(got).toEqual(['tokens']);
  });

  it('refuses a payload that does not match the protocol', () => {
    const bus = new EventBus();
    expect(() => bus.publish({ userIds: [] }, 'tokens', { kind: 'log', stream: 'nowhere', line: 'x' } as never)).toThrow();
  });
});
