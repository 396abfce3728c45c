import type { ApiClient } from '../client/index.js';
import { EventStream } from '../client/index.js';
import type { Environment } from '../protocol/index.js';
import { UsageError } from './client.js';

/** Commands take a name or an id; names are what people type. */
export async function resolveEnvironment(client: ApiClient, nameOrId: string): Promise<Environment> {
  const { items } = await client.call('listEnvironments', { query: { limit: 1000 } });
  const found = items.find((e) => e.id === nameOrId) ?? items.find((e) => e.name === nameOrId);
  if (!found) throw new UsageError(`no environment "${nameOrId}" (see "mlwb env list")`);
  return found;
}

const SETTLED = new Set(['running', 'failed', 'stopped']);

/**
 * Follows an environment until it settles (running, failed or stopped), printing its state changes
 * and build log lines. Subscribes before reading the current state, so no change falls in between.
 */
export async function waitUntilSettled(client: ApiClient, env: Environment, onLine: (text: string) => void): Promise<Environment> {
  const stream = new EventStream({ url: client.options.url, token: client.options.token ?? '', ca: client.options.ca, topics: ['environments', `logs:${env.id}`] });
  try {
    return await new Promise<Environment>((resolve, reject) => {
      let last = env.state;
      const settle = (current: Environment): void => {
        if (current.state !== last) onLine(`${current.name}: ${current.state}${current.reason ? ` (${current.reason})` : ''}${current.queuePosition ? ` #${current.queuePosition} in queue` : ''}`);
        last = current.state;
        if (SETTLED.has(current.state)) resolve(current);
      };
      stream.on('event', (event) => {
        const p = event.payload;
        if (p.kind === 'log') onLine(p.line);
        else if (p.kind !== 'progress' && p.resourceId === env.id) {
          if (p.kind === 'resource.deleted') reject(new Error(`environment ${env.name} was deleted`));
          else settle(p.data as Environment);
        }
      });
      stream.on('state', (state) => {
        if (state === 'open') void client.call('getEnvironment', { params: { id: env.id } }).then(settle, reject);
      });
      stream.start();
    });
  } finally {
    stream.close();
  }
}
