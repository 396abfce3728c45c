import { describe, expect, it } from 'vitest';
import { Connection } from '../../../extension/src/backend/connection.js';
import { BackendLink, type LinkedBackend } from '../../../extension/src/backend/link.js';
import { TopicHolds } from '../../../extension/src/backend/topics.js';
import { ENDPOINT, fakeApi, FakeEvents } from '../../fixtures/extension/environments.js';

const SERVER = { user: 'admin', role: 'admin' as const, version: '1', driver: 'docker' as const, tls: false };

function controllerDouble() {
  const connection = new Connection();
  const source = { connection, client: undefined as ReturnType<typeof fakeApi> | undefined, events: undefined as FakeEvents | undefined };
  const connect = (): void => {
    source.client = fakeApi({});
    source.events = new FakeEvents();
    connection.dispatch({ type: 'dialing', endpoint: ENDPOINT });
    connection.dispatch({ type: 'identified', server: SERVER });
    connection.dispatch({ type: 'streamOpen' });
  };
  return { connection, source, connect };
}

describe('BackendLink', () => {
  it('links a session once it is connected, keeps it while its stream reconnects, and drops it when it goes down', () => {
    const { connection, source, connect } = controllerDouble();
    const link = new BackendLink(source);
    const seen: (LinkedBackend | undefined)[] = [];
    link.onDidChange((b) => seen.push(b));
    expect(link.current).toBeUndefined();

    connect();
    expect(seen).toHaveLength(1);
    const first = link.current!;
    expect(first.api).toBe(source.client);
    expect(first.endpoint).toEqual(ENDPOINT);

    connection.dispatch({ type: 'streamLost' });
    connection.dispatch({ type: 'streamOpen' });
    expect(link.current).toBe(first);
    expect(seen).toHaveLength(1);

    connection.dispatch({ type: 'failed', reason: 'gone', remedy: 'reconnect' });
    expect(link.current).toBeUndefined();
    expect(seen).toEqual([first, undefined]);
  });

  it('links a new session (a new client and stream) as a new backend', () => {
    const { source, connect } = controllerDouble();
    const link = new BackendLink(source);
    connect();
    const first = link.current;
    connect();
    expect(link.current).not.toBe(first);
    expect(link.current?.events).toBe(source.events);
  });
});

describe('TopicHolds', () => {
  it('subscribes on the first hold and unsubscribes when the last one lets go', () => {
    const events = new FakeEvents();
    const holds = new TopicHolds(events);
    const a = holds.hold('logs:env_12345678');
    const b = holds.hold('logs:env_12345678');
    expect(events.subscribeCalls).toEqual([['logs:env_12345678']]);
    a();
    a(); // letting go twice counts once
    expect(events.subscribed.has('logs:env_12345678')).toBe(true);
    b();
    expect(events.subscribed.has('logs:env_12345678')).toBe(false);
  });

  it('subscribes again to what it holds whenever the stream opens (a subscribe sent while connecting is lost)', () => {
    const events = new FakeEvents();
    const holds = new TopicHolds(events);
    holds.hold('logs:env_12345678');
    events.setState('open');
    expect(events.subscribeCalls).toEqual([['logs:env_12345678'], ['logs:env_12345678']]);
  });
});
