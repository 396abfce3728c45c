import { ApiError } from '../../../backend/src/client/index.js';
import type { Remedy } from './connection.js';
import { EmbeddedStartError } from './embedded.js';
import { NodeNotFoundError } from './nodeRuntime.js';

/** A problem with the user's settings: the remedy is to change them. */
export class SettingsError extends Error {
  constructor(
    message: string,
    readonly remedy: Remedy = 'configure',
  ) {
    super(message);
    this.name = 'SettingsError';
  }
}

export interface Failure {
  reason: string;
  remedy: Remedy;
}

/** Turns whatever stopped a connection attempt into one line for the user and the action that helps. */
export function describeFailure(error: unknown): Failure {
  if (error instanceof ApiError) {
    if (error.status === 401) return { reason: 'token rejected by the backend', remedy: 'setToken' };
    return { reason: error.describe(), remedy: 'reconnect' };
  }
  if (error instanceof EmbeddedStartError) {
    const cause = error.stderrTail.at(-1);
    return { reason: cause ? `${error.message}: ${cause}` : error.message, remedy: error.reason === 'spawn' ? 'configure' : 'restart' };
  }
  if (error instanceof NodeNotFoundError) return { reason: error.message, remedy: 'configure' };
  if (error instanceof SettingsError) return { reason: error.message, remedy: error.remedy };
  return { reason: error instanceof Error ? error.message : String(error), remedy: 'reconnect' };
}
