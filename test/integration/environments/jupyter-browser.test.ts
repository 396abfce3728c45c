import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ApiClient } from '../../../backend/src/client/index.js';
import { startBackend, type BackendProcess } from '../../fixtures/backend-process.js';
import { dockerUnavailable } from '../../fixtures/docker.js';
import { tiny, waitForState } from '../../fixtures/environments.js';
import { skip as localSkip } from '../runtime/local/jupyter-python.js';

const dockerSkip = await dockerUnavailable('mlwb/python-cpu:0.1.0');

/**
 * "Open in Jupyter (browser)" against the real backend and a real environment: a one-time ticket
 * becomes a cookie that opens this environment's Jupyter UI (nbclassic) and nothing else.
 */
function browserCases(driver: 'docker' | 'local'): void {
  let backend: BackendProcess;
  let client: ApiClient;
  let envId: string;
  let cookie: string;

  const base = () => `${backend.url}/api/v1/environments/${envId}`;
  const withCookie = (url: string, init: RequestInit = {}) => fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie } });
  const ticket = async (id = envId, api = client) => (await api.call('createJupyterTicket', { params: { id } })).path;

  beforeAll(async () => {
    backend = await startBackend({ args: ['--driver', driver] });
    client = new ApiClient({ url: backend.url, token: backend.token });
    const created = await client.call('createEnvironment', { body: { name: `browser-${driver}`, image: 'python-cpu', ...tiny } });
    envId = (await waitForState(client, created.id, ['running', 'failed'])).id;
  });
  afterAll(async () => {
    for (const env of (await client.call('listEnvironments')).items) await client.call('deleteEnvironment', { params: { id: env.id }, query: { purge: 'true' } });
    await client.close();
    await backend.stop();
  });

  it('redeems a ticket once for a path-scoped, HttpOnly, SameSite=Strict cookie, and sends the browser to the notebook list', async () => {
    const path = await ticket();
    expect(path).toMatch(new RegExp(`^/api/v1/environments/${envId}/jupyter-login\\?ticket=[\\w-]{43}$`));
    const login = await fetch(`${backend.url}${path}`, { redirect: 'manual' });
    expect(login.status).toBe(200);
    const [setCookie, ...more] = login.headers.getSetCookie();
    expect(more).toEqual([]);
    expect(setCookie).toMatch(new RegExp(`^mlwb_jupyter=[\\w-]{43}; Path=/api/v1/environments/${envId}/jupyter/; Max-Age=43200; HttpOnly; SameSite=Strict$`));
    expect(await login.text()).toContain(`<meta http-equiv="refresh" content="0;url=/api/v1/environments/${envId}/jupyter/tree">`);
    cookie = setCookie!.split(';')[0]!;

    const again = await fetch(`${backend.url}${path}`, { redirect: 'manual' });
    expect(again.status).toBe(401);
    expect(again.headers.getSetCookie()).toEqual([]);
    expect((await fetch(`${base()}/jupyter-login?ticket=not-a-ticket`)).status).toBe(401);
    expect((await fetch(`${base()}/jupyter-login`)).status).toBe(400);

    const audit = await client.call('listAudit', { query: { action: 'environment.jupyter_login' } });
    expect(audit.items.filter((e) => e.target === envId).map((e) => e.result)).toEqual(['ok']);
  });

  it('with the cookie alone, serves the classic notebook UI and the Jupyter API, HTTP and WebSocket', async () => {
    const tree = await withCookie(`${base()}/jupyter/tree`);
    expect(tree.status).toBe(200);
    expect(tree.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await tree.text()).toContain('notebook_list');

    const contents = await withCookie(`${base()}/jupyter/api/contents`);
    expect(contents.status).toBe(200);
    expect(await contents.json()).toMatchObject({ type: 'directory' });

    const kernel = await withCookie(`${base()}/jupyter/api/kernels`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', origin: backend.url } });
    expect(kernel.status).toBe(201);
    const { id } = (await kernel.json()) as { id: string };
    const opened = await new Promise<string>((done) => {
      const ws = new WebSocket(`${base().replace(/^http/, 'ws')}/jupyter/api/kernels/${id}/channels`, { headers: { cookie, origin: backend.url } });
      ws.on('open', () => (ws.close(), done('open')));
      ws.on('unexpected-response', (_req, res) => done(String(res.statusCode)));
    });
    expect(opened).toBe('open');
    expect((await withCookie(`${base()}/jupyter/api/kernels/${id}`, { method: 'DELETE' })).status).toBe(204);
    // the UI's Quit would end the environment's main process: refused, the server keeps running
    expect((await withCookie(`${base()}/jupyter/api/shutdown`, { method: 'POST', headers: { origin: backend.url } })).status).toBe(403);
    expect((await withCookie(`${base()}/jupyter/api/status`)).status).toBe(200);
  });

  it('does not open anything else: other API routes, another environment, a foreign origin, another user', async () => {
    expect((await withCookie(`${backend.url}/api/v1/me`)).status).toBe(401);
    expect((await withCookie(`${base()}`)).status).toBe(401);
    const other = await client.call('createEnvironment', { body: { name: `other-${driver}`, image: 'python-cpu', ...tiny, start: false } });
    expect((await withCookie(`${backend.url}/api/v1/environments/${other.id}/jupyter/api/contents`)).status).toBe(401);
    expect((await withCookie(`${base()}/jupyter/api/contents`, { headers: { origin: 'https://evil.example' } })).status).toBe(401);
    expect((await fetch(`${base()}/jupyter/api/contents`, { headers: { cookie: 'mlwb_jupyter=guessed' } })).status).toBe(401);

    const bob = await client.call('createUser', { body: { name: `bob-${driver}` } });
    const bobApi = new ApiClient({ url: backend.url, token: (await client.call('createToken', { body: { name: 'bob', userId: bob.id } })).token });
    await expect(ticket(envId, bobApi)).rejects.toMatchObject({ status: 404 });
    await expect(ticket(other.id)).rejects.toMatchObject({ status: 409 });
    await bobApi.close();
  });

  it('ends the browser session when the environment stops', async () => {
    await client.call('stopEnvironment', { params: { id: envId } });
    await client.call('startEnvironment', { params: { id: envId } });
    await waitForState(client, envId, ['running']);
    expect((await withCookie(`${base()}/jupyter/api/contents`)).status).toBe(401);
  });
}

describe.skipIf(!!dockerSkip)(`Open in Jupyter (browser) on Docker${dockerSkip ? ` (${dockerSkip})` : ''}`, () => browserCases('docker'));
describe.skipIf(!!localSkip)(`Open in Jupyter (browser) on the local driver${localSkip ? ` (${localSkip})` : ''}`, () => browserCases('local'));
