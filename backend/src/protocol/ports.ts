import { z } from 'zod';
import { Id } from './common.js';

/**
 * Port forwarding: `GET /api/v1/environments/:id/ports/:port` upgrades to a WebSocket whose binary
 * frames are the bytes of one TCP connection to that port inside the environment (one socket per
 * connection, as `kubectl port-forward` does). It is a WebSocket route, so it is not in the route
 * table; `PORT_FORWARD_PATH` is the one place its URL is spelled out.
 *
 * The backend connects to the port before it accepts the upgrade, so a client learns over plain
 * HTTP whether the connection stands: 404 (not the caller's environment), 409 with no issues (the
 * environment is not running) or 409 naming `path.port` (nothing listens there yet: retry).
 */
export const PORT_FORWARD_PATH = '/api/v1/environments/:id/ports/:port';

/** Unprivileged ports only: nothing an environment's user could not listen on themselves. */
export const ForwardPort = z.coerce.number().int().min(1024).max(65535);

export const PortForwardParams = z.strictObject({ id: Id, port: ForwardPort });
export type PortForwardParams = z.input<typeof PortForwardParams>;

/** The issue path of a 409 that means "nothing listens on the port yet" (worth retrying). */
export const PORT_NOT_LISTENING = 'path.port';

/** Largest frame a client sends; the server refuses bigger ones (its WebSocket `maxPayload`). */
export const PORT_FRAME_BYTES = 32 * 1024;
