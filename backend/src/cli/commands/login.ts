import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { ApiClient } from '../../client/index.js';
import { UsageError } from '../client.js';
import { loginFile, removeLogin, writeLogin } from '../login.js';
import { printJson } from '../output.js';

/** Reads the token from stdin: one line, so `echo $TOKEN | mlwb login URL` works in scripts. */
async function readTokenFromStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('token: ');
  const rl = createInterface({ input: process.stdin, terminal: false });
  for await (const line of rl) {
    rl.close();
    return line.trim();
  }
  return '';
}

export function loginCommand(program: Command): void {
  program
    .command('login')
    .argument('<url>', 'backend URL, e.g. https://mlwb.example.org:8787')
    .description('check a token against a backend and save both for later commands')
    .option('--token <token>', 'API token (default: MLWB_TOKEN, else read from stdin)')
    .option('--ca <file>', 'PEM certificate to trust (self-signed backends)')
    .option('--json', 'print machine-readable JSON')
    .action(async (url: string, flags: { token?: string; ca?: string; json?: boolean }) => {
      const token = flags.token ?? process.env.MLWB_TOKEN ?? (await readTokenFromStdin());
      if (!token) throw new UsageError('no token given');
      const caFile = flags.ca ? resolve(flags.ca) : undefined;
      const client = new ApiClient({ url, token, ca: caFile ? readFileSync(caFile, 'utf8') : undefined });
      try {
        const me = await client.call('me');
        const file = writeLogin({ url, token, ...(caFile ? { caFile } : {}) });
        if (flags.json) return printJson({ url, user: me.user, savedTo: file });
        console.log(`logged in to ${url} as ${me.user.name} (${me.user.role}); saved to ${file}`);
      } finally {
        await client.close();
      }
    });

  program
    .command('logout')
    .description('forget the saved login')
    .action(() => {
      console.log(removeLogin() ? `removed ${loginFile()}` : 'not logged in');
    });
}
