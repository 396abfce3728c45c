import type { Command } from 'commander';
import { ApiError } from '../../client/index.js';
import { clientFrom, type ClientFlags } from '../client.js';
import { printJson } from '../output.js';
import { withClientOptions } from './options.js';

export function statusCommand(program: Command): void {
  withClientOptions(program.command('status').description('check the backend answers and who you are there')).action(async (flags: ClientFlags) => {
    const client = clientFrom(flags);
    try {
      const health = await client.call('health');
      const me = await client.call('me');
      if (flags.json) return printJson({ url: client.options.url, health, me });
      console.log(`backend  ${client.options.url} (version ${health.version}, up since ${health.startedAt})`);
      console.log(`user     ${me.user.name} (${me.user.role}, ${me.user.id})`);
      console.log(`driver   ${me.server.driver}`);
      console.log(`tls      ${me.server.tls ? 'yes' : 'no'}`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) throw new ApiError(401, 'unauthorized', `the backend at ${client.options.url} rejected the token: ${err.message}`);
      throw err;
    } finally {
      await client.close();
    }
  });
}
