import type { Command } from 'commander';

/** The connection options every client command takes (see `clientFrom` for the fallbacks). */
export function withClientOptions(cmd: Command): Command {
  return cmd
    .option('--url <url>', 'backend URL (default: MLWB_URL or the saved login)')
    .option('--token <token>', 'API token (default: MLWB_TOKEN or the saved login)')
    .option('--ca <file>', 'PEM certificate to trust, e.g. a self-signed backend (default: MLWB_CA)')
    .option('--json', 'print machine-readable JSON');
}
