import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Id, routes, type JupyterLoginQuery } from '../../protocol/index.js';
import type { AuthContext } from '../context.js';
import type { AppDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { JupyterBrowserLogins, SESSION_TTL_MS, type BrowserGrant } from '../jupyter-browser-logins.js';
import { register } from '../register.js';

const COOKIE = 'mlwb_jupyter';

const proxyPath = (envId: string): string => `/api/v1/environments/${envId}/jupyter/`;

function cookieValue(req: FastifyRequest, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The Cookie header without our session cookie: Jupyter (and code in the environment) never sees it. */
export function withoutSessionCookie(header: string | undefined): string | undefined {
  const rest = (header ?? '').split(';').filter((part) => part.split('=')[0]?.trim() !== COOKIE && part.trim());
  return rest.length ? rest.join(';').trim() : undefined;
}

/** A request whose Origin is another host (another port included) is never let in by a cookie. */
function sameOrigin(req: FastifyRequest): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/**
 * "Open in Jupyter (browser)": a browser cannot send our bearer header, so the extension asks for a
 * one-time ticket (bearer-authenticated, audited) and opens its URL; the login route spends the
 * ticket and sets an HttpOnly, SameSite=Strict cookie scoped to this environment's Jupyter proxy.
 * Returns the check the proxy's routes hand to the auth hook (`config.cookieAuth`): nothing else
 * accepts the cookie. SameSite=Strict matters: the proxy swaps in Jupyter's own token, which
 * Jupyter exempts from its XSRF check, so a cross-site request must never carry the cookie.
 */
export function jupyterBrowserRoutes(app: FastifyInstance, { environments, store }: AppDeps): (req: FastifyRequest) => AuthContext | undefined {
  const logins = new JupyterBrowserLogins();
  if (!environments) return () => undefined;
  const { service } = environments;

  register(app, routes.createJupyterTicket, ({ auth, params }) => {
    const record = service.own(auth.user, params.id);
    if (record.env.state !== 'running' || !record.env.startedAt) throw new HttpError('conflict', `the environment is ${record.env.state}, not running`);
    const { ticket, expiresAt } = logins.issueTicket({ userId: auth.user.id, tokenId: auth.token.id, envId: params.id, runStartedAt: record.env.startedAt });
    return { path: `/api/v1/environments/${params.id}/jupyter-login?ticket=${ticket}`, expiresAt: expiresAt.toISOString() };
  });

  const login = routes.jupyterLogin;
  app.route({
    method: login.method,
    url: login.path,
    config: { def: login },
    schema: { params: login.params, querystring: login.query },
    handler: async (req: FastifyRequest, reply: FastifyReply) => {
      const envId = (req.params as { id: string }).id;
      const redeemed = logins.redeem((req.query as JupyterLoginQuery).ticket, envId);
      if (!redeemed) throw new HttpError('unauthorized', 'this Jupyter link is invalid, expired or already used: open the environment in Jupyter again');
      const secure = req.protocol === 'https' ? '; Secure' : '';
      const target = `${proxyPath(envId)}tree`;
      // An HTML page that navigates, not a 302: a redirect keeps the site of the navigation that
      // opened the link, and a cross-site one would not send the SameSite=Strict cookie to `tree`.
      return reply
        .code(200)
        .header('set-cookie', `${COOKIE}=${redeemed.session}; Path=${proxyPath(envId)}; Max-Age=${SESSION_TTL_MS / 1000}; HttpOnly; SameSite=Strict${secure}`)
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer')
        .header('content-security-policy', "default-src 'none'")
        .type('text/html; charset=utf-8')
        .send(`<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${target}"><title>Jupyter</title><a href="${target}">Open Jupyter</a>\n`);
    },
  });

  return (req) => {
    const envId = Id.safeParse((req.params as { id?: unknown }).id);
    const secret = cookieValue(req, COOKIE);
    if (!envId.success || !secret || !sameOrigin(req)) return undefined;
    const grant = logins.session(secret, envId.data);
    const auth = grant && stillValid(store, grant);
    if (grant && !auth) logins.end(secret);
    return auth;
  };
}

/** The session's token is live, and the environment runs the same run it was opened on (a stop ends it). */
function stillValid(store: AppDeps['store'], grant: BrowserGrant): AuthContext | undefined {
  const token = store.tokens.get(grant.tokenId);
  const user = store.users.get(grant.userId);
  const env = store.environments.get(grant.envId)?.env;
  if (!token || token.revokedAt || (token.expiresAt && Date.parse(token.expiresAt) <= Date.now())) return undefined;
  if (!user || env?.ownerId !== user.id || env.state !== 'running' || env.startedAt !== grant.runStartedAt) return undefined;
  return { user, token };
}
