import type { TokenInfo, User } from '../protocol/index.js';
import type { RouteDef } from '../protocol/routes.js';

/** Who is calling: set by the auth hook on every authenticated request. */
export interface AuthContext {
  user: User;
  token: TokenInfo;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | null;
    /** The object a state-changing request acted on, for the audit log (e.g. a created id). */
    auditTarget: string | null;
  }
  interface FastifyContextConfig {
    def?: RouteDef;
    /** Audit name of a route outside the route table (the Jupyter proxy's writes). */
    audit?: string;
    /**
     * Only the Jupyter proxy's routes: who a request without a bearer header is, from the browser
     * cookie of "Open in Jupyter (browser)" (api/routes/jupyter-browser.ts); undefined refuses it.
     */
    cookieAuth?: (req: FastifyRequest) => AuthContext | undefined;
  }
}
