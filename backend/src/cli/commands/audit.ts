import type { Command } from 'commander';
import { withClient, type ClientFlags } from '../client.js';
import { printJson, printTable, shortTime } from '../output.js';
import { withClientOptions } from './options.js';

export function auditCommand(program: Command): void {
  withClientOptions(program.command('audit'))
    .description('show the audit log, newest first (admins only)')
    .option('--user <id>', 'only this user’s actions')
    .option('--action <action>', 'only this action, e.g. token.create')
    .option('--limit <n>', 'how many entries', '50')
    .option('--before <id>', 'entries older than this entry id (paging)')
    .action(async (flags: ClientFlags & { user?: string; action?: string; limit: string; before?: string }) => {
      await withClient(flags, async (client) => {
        const { items } = await client.call('listAudit', {
          query: { userId: flags.user, action: flags.action, limit: Number(flags.limit), before: flags.before === undefined ? undefined : Number(flags.before) },
        });
        if (flags.json) return printJson(items);
        printTable(
          items,
          [
            { header: 'id', value: (e) => String(e.id) },
            { header: 'time', value: (e) => shortTime(e.at) },
            { header: 'user', value: (e) => e.userId ?? '-' },
            { header: 'action', value: (e) => e.action },
            { header: 'target', value: (e) => e.target ?? '-' },
            { header: 'result', value: (e) => `${e.result} (${e.status})` },
          ],
          'no audit entries',
        );
      });
    });
}
