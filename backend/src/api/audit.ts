import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuditResult } from '../protocol/index.js';
import type { Store } from '../store/index.js';

function resultOf(status: number): AuditResult {
  if (status < 400) return 'ok';
  return status === 401 || status === 403 ? 'denied' : 'failed';
}

/**
 * onResponse hook: every state-changing route (one with an `audit` name) leaves an entry, whether
 * it succeeded, was refused or failed. Reads go unrecorded.
 */
export function auditHook(store: Store) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const action = req.routeOptions.config.def?.audit ?? req.routeOptions.config.audit;
    if (!action) return;
    const params = req.params as { id?: unknown } | undefined;
    const target = req.auditTarget ?? (typeof params?.id === 'string' ? params.id : null);
    try {
      store.audit.append({
        userId: req.auth?.user.id ?? null,
        action,
        target,
        result: resultOf(reply.statusCode),
        status: reply.statusCode,
      });
    } catch (err) {
      // The answer has been sent; a failing audit write must still be visible to the operator.
      req.log.error({ err, action, target }, 'audit entry could not be written');
    }
  };
}
