import { Command, CommanderError } from 'commander';
import { ApiError } from '../client/index.js';
import { BootstrapError } from '../auth/bootstrap.js';
import { VERSION } from '../version.js';
import { UsageError } from './client.js';
import { auditCommand } from './commands/audit.js';
import { dataCommand } from './commands/data.js';
import { envCommand } from './commands/env.js';
import { imagesCommand } from './commands/images.js';
import { jobsCommand } from './commands/jobs.js';
import { loginCommand } from './commands/login.js';
import { serverCommand } from './commands/server.js';
import { statusCommand } from './commands/status.js';
import { tokenCommand } from './commands/token.js';
import { userCommand } from './commands/user.js';
import { LoginFileError } from './login.js';

/** One line on stderr, the way every failure of the CLI ends. */
function reasonOf(err: unknown): string {
  if (err instanceof ApiError) return err.status ? `${err.describe()} [HTTP ${err.status}]` : err.describe();
  if (err instanceof UsageError || err instanceof LoginFileError || err instanceof BootstrapError) return err.message;
  if (err instanceof Error && err.name === 'DataDirBusyError') return err.message;
  if (err instanceof Error) return (err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? `address in use: ${err.message}` : err.message;
  return String(err);
}

/** 2: the command line was wrong; 3: the data directory is busy (another backend runs there); 1: anything else. */
function exitCodeOf(err: unknown): number {
  if (err instanceof UsageError) return 2;
  if (err instanceof Error && err.name === 'DataDirBusyError') return 3;
  return 1;
}

export function buildProgram(): Command {
  const program = new Command('mlwb')
    .description('ML Workbench: environments, notebooks, data and model versioning, pipelines, deployment')
    .version(VERSION)
    .showSuggestionAfterError()
    .exitOverride();
  serverCommand(program);
  statusCommand(program);
  loginCommand(program);
  tokenCommand(program);
  userCommand(program);
  auditCommand(program);
  envCommand(program);
  dataCommand(program);
  imagesCommand(program);
  jobsCommand(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander already printed help, the version or the usage error
      process.exit(err.exitCode);
    }
    console.error(`mlwb: ${reasonOf(err).split('\n')[0]}`);
    process.exit(exitCodeOf(err));
  }
}

void main(process.argv);
