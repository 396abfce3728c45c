import type { Command } from 'commander';
import { withClient, type ClientFlags } from '../client.js';
import { printJson, printTable, shortTime } from '../output.js';
import { withClientOptions } from './options.js';

export function tokenCommand(program: Command): void {
  const token = program.command('token').description('API tokens: create, list, revoke');

  withClientOptions(token.command('create').argument('<name>', 'what the token is for, e.g. "laptop" or "ci"'))
    .description('create a token (printed once; store it safely)')
    .option('--user <id>', 'create it for another user (admins only)')
    .option('--expires-days <n>', 'expire after this many days')
    .action(async (name: string, flags: ClientFlags & { user?: string; expiresDays?: string }) => {
      await withClient(flags, async (client) => {
        const created = await client.call('createToken', {
          body: { name, userId: flags.user, expiresInDays: flags.expiresDays === undefined ? undefined : Number(flags.expiresDays) },
        });
        if (flags.json) return printJson(created);
        console.log(`created token ${created.id} "${created.name}" for ${created.userId}${created.expiresAt ? `, expires ${shortTime(created.expiresAt)}` : ''}`);
        console.log(created.token);
      });
    });

  withClientOptions(token.command('list'))
    .description('list your tokens (admins: --user for someone else’s)')
    .option('--user <id>', "another user's tokens (admins only)")
    .option('--all', 'include revoked tokens')
    .action(async (flags: ClientFlags & { user?: string; all?: boolean }) => {
      await withClient(flags, async (client) => {
        const { items } = await client.call('listTokens', { query: { userId: flags.user, includeRevoked: flags.all ? 'true' : undefined } });
        if (flags.json) return printJson(items);
        printTable(
          items,
          [
            { header: 'id', value: (t) => t.id },
            { header: 'name', value: (t) => t.name },
            { header: 'prefix', value: (t) => `${t.prefix}…` },
            { header: 'created', value: (t) => shortTime(t.createdAt) },
            { header: 'last used', value: (t) => shortTime(t.lastUsedAt) },
            { header: 'expires', value: (t) => shortTime(t.expiresAt) },
            { header: 'revoked', value: (t) => shortTime(t.revokedAt) },
          ],
          'no tokens',
        );
      });
    });

  withClientOptions(token.command('revoke').argument('<id>', 'token id (tok_…)'))
    .description('revoke a token; requests with it are refused from now on')
    .action(async (id: string, flags: ClientFlags) => {
      await withClient(flags, async (client) => {
        const revoked = await client.call('revokeToken', { params: { id } });
        if (flags.json) return printJson(revoked);
        console.log(`revoked token ${revoked.id} "${revoked.name}"`);
      });
    });
}
