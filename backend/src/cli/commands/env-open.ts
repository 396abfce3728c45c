import type { Command } from 'commander';
import { spawn } from 'node:child_process';
import { withClient, type ClientFlags } from '../client.js';
import { resolveEnvironment } from '../environments.js';
import { printJson } from '../output.js';
import { withClientOptions } from './options.js';

/** The platform's "open this URL" program, run without a shell. */
function browserCommand(url: string): [string, string[]] {
  if (process.platform === 'darwin') return ['open', [url]];
  if (process.platform === 'win32') return ['rundll32', ['url.dll,FileProtocolHandler', url]];
  return ['xdg-open', [url]];
}

function openBrowser(url: string): void {
  const [cmd, args] = browserCommand(url);
  const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
  child.on('error', (err) => console.error(`mlwb: could not start ${cmd} (${err.message}); open the link above yourself`));
  child.unref();
}

/** `mlwb env open NAME [--browser]`: a one-time link (valid for a minute) to the environment's Jupyter UI. */
export function openCommand(env: Command): void {
  withClientOptions(env.command('open').argument('<name>', 'name or id'))
    .description('print a one-time link (valid for a minute) that logs a browser in to the environment’s Jupyter UI')
    .option('--browser', 'also open it in the default browser')
    .action((name: string, flags: ClientFlags & { browser?: boolean }) =>
      withClient(flags, async (client) => {
        const found = await resolveEnvironment(client, name);
        const ticket = await client.call('createJupyterTicket', { params: { id: found.id } });
        const url = new URL(ticket.path, client.options.url).toString();
        if (flags.json) printJson({ url, expiresAt: ticket.expiresAt });
        else console.log(url);
        if (flags.browser) openBrowser(url);
      }),
    );
}
