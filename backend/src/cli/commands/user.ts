import type { Command } from 'commander';
import { withClient, type ClientFlags } from '../client.js';
import { printJson, printTable, shortTime } from '../output.js';
import { withClientOptions } from './options.js';

export function userCommand(program: Command): void {
  const user = program.command('user').description('users (admins only)');

  withClientOptions(user.command('create').argument('<name>', 'user name'))
    .description('create a user; then "mlwb token create --user ID" gives them a token')
    .option('--admin', 'make the user an admin')
    .action(async (name: string, flags: ClientFlags & { admin?: boolean }) => {
      await withClient(flags, async (client) => {
        const created = await client.call('createUser', { body: { name, role: flags.admin ? 'admin' : 'user' } });
        if (flags.json) return printJson(created);
        console.log(`created user ${created.id} "${created.name}" (${created.role})`);
      });
    });

  withClientOptions(user.command('list'))
    .description('list users')
    .action(async (flags: ClientFlags) => {
      await withClient(flags, async (client) => {
        const { items } = await client.call('listUsers');
        if (flags.json) return printJson(items);
        printTable(
          items,
          [
            { header: 'id', value: (u) => u.id },
            { header: 'name', value: (u) => u.name },
            { header: 'role', value: (u) => u.role },
            { header: 'created', value: (u) => shortTime(u.createdAt) },
          ],
          'no users',
        );
      });
    });
}
