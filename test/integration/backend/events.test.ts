import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, EventStream } from '../../../backend/src/client/index.js';
import type { ServerEvent } from '../../../backend/src/protocol/index.js';
import { startBackend, type BackendProcess } from '../../fixtures/backend-process.js';
import { startTcpProxy } from '../../fixtures/tcp-proxy.js';
import { RawEventsClient } from '../../fixtures/ws-client.js';

describe('events socket', () => {
  let backend: BackendProcess;
  let admin: ApiClient;
  let aliceToken: string;
  let alice: ApiClient;

  beforeAll(async () => {
    backend = await startBackend({ args: ['--heartbeat-ms', '300'] });
    admin = new ApiClient({ url: backend.url, token: backend.token });
    const user = await admin.call('createUser', { body: { name: 'alice' } });
    aliceToken = (await admin.call('createToken', { body: { name: 'alice', userId: user.id } })).token;
    alice = new ApiClient({ url: backend.url, token: aliceToken });
  });
  afterAll(async () => {
    await Promise.all([admin.close(), alice.close()]);
    await backend.stop();
  });

  it('refuses an upgrade without a token (401) and from a foreign browser origin (403)', async () => {
    await expect(RawEventsClient.connect(backend.url, undefined).opened).rejects.toThrow(/HTTP 401/);
    await expect(RawEventsClient.connect(backend.url, backend.token, {}, { origin: 'https://evil.example' }).opened).rejects.toThrow(/HTTP 403/);
  });

  it('refuses an invalid topic in the query with 400', async () => {
    await expect(RawEventsClient.connect(backend.url, backend.token, { topics: 'tokens,../x' }).opened).rejects.toThrow(/HTTP 400/);
  });

  it('delivers events on subscribed topics to their owner only', async () => {
    const own = RawEventsClient.connect(backend.url, aliceToken, { topics: 'tokens' });
    const other = RawEventsClient.connect(backend.url, backend.token, {});
    await Promise.all([own.next('hello'), other.next('hello')]);
    other.send({ type: 'subscribe', topics: ['tokens'], ref: 's1' });
    expect(await other.next('ack', (m) => m.ref === 's1')).toMatchObject({ topics: ['tokens'] });

    const created = await alice.call('createToken', { body: { name: 'watched' } });
    const event = await own.next('event', (m) => m.event.payload.kind === 'resource.created');
    expect(event.event).toMatchObject({ topic: 'tokens', payload: { resource: 'token', resourceId: created.id } });
    expect(JSON.stringify(event)).not.toContain(created.token); // the secret is never broadcast

    // admins see every token event; a second user would not (checked through alice's stream below)
    await other.next('event', (m) => m.event.payload.kind === 'resource.created' && m.event.payload.resourceId === created.id);
    const adminsOwn = await admin.call('createToken', { body: { name: 'admin only' } });
    await other.next('event', (m) => m.event.payload.kind === 'resource.created' && m.event.payload.resourceId === adminsOwn.id);
    own.send({ type: 'ping', ref: 'p' });
    await own.next('pong', (m) => m.ref === 'p'); // everything published before the pong has been delivered
    expect(own.events().map((e) => (e.payload.kind === 'resource.created' ? e.payload.resourceId : ''))).not.toContain(adminsOwn.id);
    await Promise.all([own.close(), other.close()]);
  });

  it('answers a bad client message with an error and keeps the socket open', async () => {
    const c = RawEventsClient.connect(backend.url, backend.token);
    await c.next('hello');
    c.send('{not json');
    expect(await c.next('error', (m) => m.code === 'invalid_json')).toBeTruthy();
    c.send({ type: 'subscribe', topics: ['BAD TOPIC'] });
    expect((await c.next('error', (m) => m.code === 'validation_failed')).message).toMatch(/topics\.0/);
    c.send({ type: 'ping', ref: 'still-here' });
    await c.next('pong', (m) => m.ref === 'still-here');
    await c.close();
  });

  it('sends heartbeats', async () => {
    const c = RawEventsClient.connect(backend.url, backend.token);
    expect((await c.next('hello')).heartbeatMs).toBe(300);
    await c.next('heartbeat');
    await c.close();
  });

  it('resumes after a reconnect with exactly the events missed, in order', async () => {
    const first = RawEventsClient.connect(backend.url, backend.token, { topics: 'tokens' });
    await first.next('hello'); // subscribed from here on
    const a = await admin.call('createToken', { body: { name: 'before' } });
    const seen = await first.next('event', (m) => m.event.payload.kind === 'resource.created' && m.event.payload.resourceId === a.id);
    await first.close();

    const missed = [await admin.call('createToken', { body: { name: 'missed 1' } }), await admin.call('createToken', { body: { name: 'missed 2' } })];
    const second = RawEventsClient.connect(backend.url, backend.token, { topics: 'tokens', lastEventId: seen.event.id });
    expect((await second.next('hello')).resumed).toBe('complete');
    const after = await admin.call('createToken', { body: { name: 'after' } });
    await second.next('event', (m) => m.event.payload.kind === 'resource.created' && m.event.payload.resourceId === after.id);
    const ids = second.events().map((e) => (e.payload.kind === 'resource.created' ? e.payload.resourceId : e.id));
    expect(ids).toEqual([...missed.map((t) => t.id), after.id]);
    await second.close();
  });

  it('tells a client resuming from another server run to resynchronise', async () => {
    const c = RawEventsClient.connect(backend.url, backend.token, { topics: 'tokens', lastEventId: 'oldrun-5' });
    expect((await c.next('hello')).resumed).toBe('reset');
    await c.close();
  });

  it('EventStream reconnects through a dropped link and loses nothing', async () => {
    const proxy = await startTcpProxy(backend.url);
    const stream = new EventStream({ url: proxy.url, token: backend.token, topics: ['tokens'], maxBackoffMs: 200 });
    const received: ServerEvent[] = [];
    const states: string[] = [];
    stream.on('state', (s) => states.push(s));
    const waitFor = (id: string): Promise<void> =>
      new Promise((res) => {
        const check = (e: ServerEvent): void => {
          if (e.payload.kind === 'resource.created' && e.payload.resourceId === id) res();
        };
        received.forEach(check);
        stream.on('event', check);
      });
    stream.on('event', (e) => received.push(e));
    const opened = new Promise<void>((res) => stream.on('state', (s) => s === 'open' && res()));
    stream.start();
    await opened;

    const t1 = await admin.call('createToken', { body: { name: 'one' } });
    await waitFor(t1.id);
    const reconnecting = new Promise<void>((res) => stream.on('state', (s) => s === 'reconnecting' && res()));
    proxy.cutAll();
    await reconnecting;
    const t2 = await admin.call('createToken', { body: { name: 'two while down' } });
    const t3 = await admin.call('createToken', { body: { name: 'three' } });
    await waitFor(t3.id);
    stream.close();
    await proxy.close();

    const createdIds = received.flatMap((e) => (e.payload.kind === 'resource.created' ? [e.payload.resourceId] : []));
    expect(createdIds).toEqual([t1.id, t2.id, t3.id]);
    expect(new Set(received.map((e) => e.id)).size).toBe(received.length);
    expect(states).toEqual(['connecting', 'open', 'reconnecting', 'open', 'closed']);
  });
});
