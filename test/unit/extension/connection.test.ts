import { describe, expect, it } from 'vitest';
import { Connection, transition, type ConnectionEvent, type ConnectionState, type Endpoint, type ServerDetails } from '../../../extension/src/backend/connection.js';

const endpoint: Endpoint = { mode: 'embedded', url: 'http://127.0.0.1:4000', dataDir: '/data', pid: 42 };
const server: ServerDetails = { user: 'admin', role: 'admin', version: '0.1.0', driver: 'local', tls: false };

const run = (...events: ConnectionEvent[]): ConnectionState => events.reduce(transition, { status: 'idle' } as ConnectionState);

describe('transition', () => {
  it('goes idle → starting → connecting → connected for the embedded backend', () => {
    expect(run({ type: 'starting' })).toEqual({ status: 'starting' });
    expect(run({ type: 'starting' }, { type: 'dialing', endpoint })).toEqual({ status: 'connecting', endpoint });
    expect(run({ type: 'starting' }, { type: 'dialing', endpoint }, { type: 'identified', server })).toEqual({ status: 'connecting', endpoint, server });
    expect(run({ type: 'starting' }, { type: 'dialing', endpoint }, { type: 'identified', server }, { type: 'streamOpen' })).toEqual({
      status: 'connected',
      endpoint,
      server,
    });
  });

  it('goes straight to connecting for a remote backend', () => {
    const remote: Endpoint = { mode: 'remote', url: 'https://mlwb.example.org' };
    expect(run({ type: 'dialing', endpoint: remote })).toEqual({ status: 'connecting', endpoint: remote });
  });

  it('does not count as connected before `me` answered', () => {
    const state = run({ type: 'dialing', endpoint }, { type: 'streamOpen' });
    expect(state.status).toBe('connecting');
  });

  it('alternates between connected and reconnecting with the event stream', () => {
    const connected = run({ type: 'dialing', endpoint }, { type: 'identified', server }, { type: 'streamOpen' });
    const lost = transition(connected, { type: 'streamLost' });
    expect(lost).toEqual({ status: 'reconnecting', endpoint, server });
    expect(transition(lost, { type: 'streamOpen' })).toEqual(connected);
  });

  it('refreshes the server details while connected', () => {
    const connected = run({ type: 'dialing', endpoint }, { type: 'identified', server }, { type: 'streamOpen' });
    const upgraded = { ...server, version: '0.2.0' };
    expect(transition(connected, { type: 'identified', server: upgraded })).toEqual({ status: 'connected', endpoint, server: upgraded });
  });

  it('goes down from any active state, keeping what it knew for the details view', () => {
    const failed: ConnectionEvent = { type: 'failed', reason: 'token rejected by the backend', remedy: 'setToken' };
    expect(run({ type: 'starting' }, failed)).toEqual({ status: 'down', reason: 'token rejected by the backend', remedy: 'setToken', endpoint: undefined, server: undefined });
    expect(run({ type: 'dialing', endpoint }, { type: 'identified', server }, failed)).toEqual({
      status: 'down', reason: 'token rejected by the backend', remedy: 'setToken', endpoint, server,
    });
  });

  it('goes down from idle too: a bad setting fails before anything starts', () => {
    expect(transition({ status: 'idle' }, { type: 'failed', reason: 'bad URL', remedy: 'configure' })).toMatchObject({ status: 'down', reason: 'bad URL' });
  });

  it('starts again from down, and stops to idle from anywhere', () => {
    const down = run({ type: 'starting' }, { type: 'failed', reason: 'x', remedy: 'restart' });
    expect(transition(down, { type: 'starting' })).toEqual({ status: 'starting' });
    expect(transition(down, { type: 'stopped' })).toEqual({ status: 'idle' });
  });

  it.each<ConnectionEvent>([
    { type: 'identified', server },
    { type: 'streamOpen' },
    { type: 'streamLost' },
    { type: 'stopped' },
  ])('ignores $type while idle (returns the same object)', (event) => {
    const idle: ConnectionState = { status: 'idle' };
    expect(transition(idle, event)).toBe(idle);
  });

  it('ignores stream events while down', () => {
    const down = run({ type: 'dialing', endpoint }, { type: 'identified', server }, { type: 'failed', reason: 'x', remedy: 'restart' });
    expect(transition(down, { type: 'streamOpen' })).toBe(down);
    expect(transition(down, { type: 'streamLost' })).toBe(down);
    expect(transition(down, { type: 'identified', server })).toBe(down);
  });
});

describe('Connection', () => {
  it('tells listeners about changes only, and stops when unsubscribed', () => {
    const connection = new Connection();
    const seen: string[] = [];
    const off = connection.onDidChange((s) => seen.push(s.status));
    connection.dispatch({ type: 'streamOpen' }); // no change from idle
    connection.dispatch({ type: 'starting' });
    connection.dispatch({ type: 'dialing', endpoint });
    off();
    connection.dispatch({ type: 'stopped' });
    expect(seen).toEqual(['starting', 'connecting']);
    expect(connection.state.status).toBe('idle');
  });

  it('when() resolves with the current state or the first matching later one', async () => {
    const connection = new Connection();
    await expect(connection.when((s) => s.status === 'idle')).resolves.toEqual({ status: 'idle' });
    const connected = connection.when((s) => s.status === 'connected');
    connection.dispatch({ type: 'dialing', endpoint });
    connection.dispatch({ type: 'identified', server });
    connection.dispatch({ type: 'streamOpen' });
    await expect(connected).resolves.toEqual({ status: 'connected', endpoint, server });
  });
});
