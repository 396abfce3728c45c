import { describe, expect, it } from 'vitest';
import { ClientMessage, CreateTokenBody, CreateUserBody, EventsQuery, Id, Name, Topic } from '../../../backend/src/protocol/index.js';

describe('protocol schemas', () => {
  it.each(['alice', 'Bob Smith', 'ci-runner_2', 'a@b.c'])('accepts the name %s', (n) => {
    expect(Name.safeParse(n).success).toBe(true);
  });
  it.each(['', '-rf', '../etc', 'a/b', 'x'.repeat(65), ' lead', 'semi;colon', 'new\nline'])('refuses the name %j', (n) => {
    expect(Name.safeParse(n).success).toBe(false);
  });

  it('ids carry a prefix and nothing that could change a path', () => {
    expect(Id.safeParse('tok_ab12CD34ef').success).toBe(true);
    for (const bad of ['ab12cd34', 'tok_../../x', 'tok_ab%2F..', 'TOK_ab12cd34']) expect(Id.safeParse(bad).success).toBe(false);
  });

  it('refuses unknown fields in bodies instead of ignoring them', () => {
    const parsed = CreateTokenBody.safeParse({ name: 'x', role: 'admin' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['role'] });
  });

  it('defaults a new user to the plain role', () => {
    expect(CreateUserBody.parse({ name: 'dora' })).toEqual({ name: 'dora', role: 'user' });
  });

  it('splits and checks the topics of the events query', () => {
    expect(EventsQuery.parse({ topics: 'tokens,logs:job_1' })).toEqual({ topics: ['tokens', 'logs:job_1'] });
    expect(EventsQuery.parse({})).toEqual({ topics: [] });
    expect(EventsQuery.safeParse({ topics: 'tokens,Bad Topic' }).success).toBe(false);
    expect(EventsQuery.safeParse({ lastEventId: 'garbage' }).success).toBe(false);
  });

  it('topics are a kind, optionally with one object', () => {
    for (const ok of ['tokens', 'logs:job_ab12', 'progress:env_1.build']) expect(Topic.safeParse(ok).success).toBe(true);
    for (const bad of ['', 'Tokens', 'logs:', 'a:b:c', `logs:${'x'.repeat(65)}`]) expect(Topic.safeParse(bad).success).toBe(false);
  });

  it('client messages are a closed union', () => {
    expect(ClientMessage.parse({ type: 'subscribe', topics: ['tokens'] })).toEqual({ type: 'subscribe', topics: ['tokens'] });
    expect(ClientMessage.safeParse({ type: 'subscribe', topics: [] }).success).toBe(false);
    expect(ClientMessage.safeParse({ type: 'publish', topics: ['tokens'] }).success).toBe(false);
    expect(ClientMessage.safeParse({ type: 'ping', extra: 1 }).success).toBe(false);
  });
});
