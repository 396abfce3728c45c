import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend, type BackendProcess } from '../../fixtures/backend-process.js';

describe('bad input gets a 4xx that names the problem, and the server keeps answering', () => {
  let backend: BackendProcess;
  const post = (path: string, body: string, contentType = 'application/json'): Promise<Response> =>
    fetch(`${backend.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${backend.token}`, 'content-type': contentType }, body });
  const get = (path: string): Promise<Response> => fetch(`${backend.url}${path}`, { headers: { authorization: `Bearer ${backend.token}` } });

  beforeAll(async () => {
    backend = await startBackend();
  });
  afterAll(async () => {
    await backend.stop();
  });

  const cases: { name: string; send: () => Promise<Response>; status: number; code: string; field?: string }[] = [
    { name: 'malformed JSON', send: () => post('/api/v1/tokens', '{"name": '), status: 400, code: 'invalid_json' },
    { name: 'empty JSON body', send: () => post('/api/v1/tokens', ''), status: 400, code: 'invalid_json' },
    { name: 'wrong type', send: () => post('/api/v1/tokens', '{"name": 42}'), status: 400, code: 'validation_failed', field: 'body.name' },
    { name: 'missing field', send: () => post('/api/v1/tokens', '{}'), status: 400, code: 'validation_failed', field: 'body.name' },
    { name: 'unknown field', send: () => post('/api/v1/tokens', '{"name":"a","admin":true}'), status: 400, code: 'validation_failed', field: 'body.admin' },
    { name: 'array instead of object', send: () => post('/api/v1/users', '[1,2]'), status: 400, code: 'validation_failed', field: 'body' },
    { name: 'name with a leading dash', send: () => post('/api/v1/users', '{"name":"--rm"}'), status: 400, code: 'validation_failed', field: 'body.name' },
    { name: 'bad enum', send: () => post('/api/v1/users', '{"name":"x","role":"root"}'), status: 400, code: 'validation_failed', field: 'body.role' },
    { name: 'out-of-range number', send: () => post('/api/v1/tokens', '{"name":"a","expiresInDays":-1}'), status: 400, code: 'validation_failed', field: 'body.expiresInDays' },
    { name: 'oversized body', send: () => post('/api/v1/tokens', JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) })), status: 413, code: 'payload_too_large' },
    { name: 'unsupported content type', send: () => post('/api/v1/tokens', 'name=a', 'application/x-www-form-urlencoded'), status: 415, code: 'unsupported_media_type' },
    { name: 'bad query value', send: () => get('/api/v1/audit?limit=lots'), status: 400, code: 'validation_failed', field: 'query.limit' },
    { name: 'unknown query parameter', send: () => get('/api/v1/tokens?sort=name'), status: 400, code: 'validation_failed', field: 'query.sort' },
    {
      name: 'malformed path id',
      send: () => fetch(`${backend.url}/api/v1/tokens/..%2F..%2Fetc`, { method: 'DELETE', headers: { authorization: `Bearer ${backend.token}` } }),
      status: 400,
      code: 'validation_failed',
      field: 'path.id',
    },
    { name: 'unknown route', send: () => get('/api/v1/nothing-here'), status: 404, code: 'not_found' },
  ];

  it.each(cases)('$name → $status $code', async ({ send, status, code, field }) => {
    const res = await send();
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error: { code: string; message: string; details?: { issues?: { path: string }[] } } };
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(0);
    if (field) expect(body.error.details?.issues?.map((i) => i.path)).toContain(field);
    // after every bad request the server still answers
    expect((await fetch(`${backend.url}/healthz`)).status).toBe(200);
  });

  it('did not crash or log a 500 for any of them', () => {
    expect(backend.proc.exitCode).toBeNull();
    expect(backend.stderr.join('\n')).not.toMatch(/"statusCode":5\d\d|request failed/);
  });
});
