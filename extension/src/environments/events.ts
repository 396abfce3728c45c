import { Environment, type ServerEvent } from '../../../backend/src/protocol/index.js';

/** The topic on which the backend publishes every change of the user's environments. */
export const ENVIRONMENTS_TOPIC = 'environments';

/** The topic of one environment's build and run log lines. */
export const logsTopic = (envId: string): `logs:${string}` => `logs:${envId}`;

export type EnvironmentChange = { kind: 'upsert'; env: Environment } | { kind: 'delete'; id: string };

/**
 * What an event on the `environments` topic changes, or undefined for anything else. The payload's
 * data is validated here: the protocol leaves it `unknown`, and a malformed one must not reach the view.
 */
export function environmentChange(event: ServerEvent): EnvironmentChange | undefined {
  const { payload } = event;
  if (event.topic !== ENVIRONMENTS_TOPIC || payload.kind === 'log' || payload.kind === 'progress') return undefined;
  if (payload.resource !== 'environment') return undefined;
  if (payload.kind === 'resource.deleted') return { kind: 'delete', id: payload.resourceId };
  const parsed = Environment.safeParse(payload.data);
  return parsed.success ? { kind: 'upsert', env: parsed.data } : undefined;
}

/**
 * Applies one change to the environments by id and returns the new map, or the same map when nothing
 * changed. An update older than what is known is ignored: a list fetched while events were in
 * flight may already be newer than the events that follow it.
 */
export function applyChange(envs: ReadonlyMap<string, Environment>, change: EnvironmentChange): ReadonlyMap<string, Environment> {
  if (change.kind === 'delete') {
    if (!envs.has(change.id)) return envs;
    const next = new Map(envs);
    next.delete(change.id);
    return next;
  }
  const known = envs.get(change.env.id);
  if (known && Date.parse(known.updatedAt) > Date.parse(change.env.updatedAt)) return envs;
  return new Map(envs).set(change.env.id, change.env);
}
