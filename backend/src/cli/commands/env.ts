import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { EventStream, type ApiClient } from '../../client/index.js';
import type { Environment } from '../../protocol/index.js';
import { UsageError, withClient, type ClientFlags } from '../client.js';
import { resolveEnvironment, waitUntilSettled } from '../environments.js';
import { printJson, printTable, shortTime } from '../output.js';
import { openCommand } from './env-open.js';
import { resizeCommand } from './env-resize.js';
import { withClientOptions } from './options.js';

/** requirements.txt lines without comments and blanks; anything else (options, URLs) is left for the backend to refuse by name. */
export function readRequirements(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter(Boolean);
}

const collect = (v: string, all: string[]): string[] => [...all, ...v.split(/[\s,]+/).filter(Boolean)];
const gib = (mib: number): string => `${(mib / 1024).toFixed(1)} GiB`;

function printEnvironments(items: Environment[]): void {
  printTable(
    items,
    [
      { header: 'name', value: (e) => e.name },
      { header: 'state', value: (e) => (e.state === 'queued' && e.queuePosition ? `queued #${e.queuePosition}` : e.state) },
      { header: 'image', value: (e) => e.image },
      { header: 'cpus', value: (e) => String(e.resources.cpus) },
      { header: 'memory', value: (e) => gib(e.resources.memoryMiB) },
      { header: 'gpus', value: (e) => String(e.resources.gpus) },
      { header: 'created', value: (e) => shortTime(e.createdAt) },
      { header: 'reason', value: (e) => e.reason ?? '' },
    ],
    'no environments; create one with "mlwb env create NAME --image python-cpu"',
  );
}

/** Prints the environment (or waits for it to settle first) and fails the command when it failed. */
async function finish(client: ApiClient, env: Environment, flags: ClientFlags & { wait?: boolean }): Promise<void> {
  const settled = flags.wait ? await waitUntilSettled(client, env, (line) => !flags.json && console.error(line)) : env;
  if (flags.json) printJson(settled);
  else console.log(`${settled.name} (${settled.id}): ${settled.state}${settled.reason ? ` (${settled.reason})` : ''}`);
  if (flags.wait && settled.state === 'failed') process.exitCode = 1;
}

export function envCommand(program: Command): void {
  const env = program.command('env').description('environments: an image + packages + CPU/memory/GPU, run by the backend’s driver');

  withClientOptions(env.command('create').argument('<name>', 'environment name (lowercase, digits, dashes)'))
    .description('create and start an environment (queued when the host is full)')
    .requiredOption('--image <image>', 'catalog image, see "mlwb images list"')
    .option('--cpus <n>', 'CPUs (default: the image’s)')
    .option('--memory <mib>', 'memory in MiB (default: the image’s)')
    .option('--gpus <n>', 'GPUs (default: the image’s)')
    .option('--apt <pkg>', 'extra Debian package (repeatable, or comma separated)', collect, [])
    .option('--pip <req>', 'extra pip requirement (repeatable, or comma separated)', collect, [])
    .option('-r, --requirements <file>', 'a requirements.txt: one requirement per line, # comments (no options or URLs)')
    .option('--env <KEY=VALUE>', 'environment variable (repeatable)', (v: string, all: string[]) => [...all, v], [])
    .option('--priority <n>', 'queue priority 0–100 (higher first)')
    .option('--idle-timeout <minutes>', 'stop after this many idle minutes (0: never)')
    .option('--no-start', 'create it stopped')
    .option('--wait', 'wait until it runs (or fails), printing build output')
    .action(async (name: string, flags: ClientFlags & Record<string, string | string[] | boolean | undefined>) => {
      const num = (v: unknown): number | undefined => (v === undefined ? undefined : Number(v));
      const envVars = Object.fromEntries(
        (flags.env as string[]).map((kv) => {
          const i = kv.indexOf('=');
          if (i <= 0) throw new UsageError(`--env takes KEY=VALUE, got "${kv}"`);
          return [kv.slice(0, i), kv.slice(i + 1)];
        }),
      );
      const pip = [...(flags.pip as string[]), ...(flags.requirements ? readRequirements(flags.requirements as string) : [])];
      await withClient(flags, async (client) => {
        const created = await client.call('createEnvironment', {
          body: {
            name,
            image: flags.image as string,
            cpus: num(flags.cpus),
            memoryMiB: num(flags.memory),
            gpus: num(flags.gpus),
            packages: { apt: flags.apt as string[], pip },
            env: envVars,
            priority: num(flags.priority),
            idleTimeoutMinutes: num(flags.idleTimeout),
            start: flags.start as boolean,
          },
        });
        await finish(client, created, flags);
      });
    });

  withClientOptions(env.command('list'))
    .description('list your environments')
    .action((flags: ClientFlags) =>
      withClient(flags, async (client) => {
        const { items } = await client.call('listEnvironments');
        if (flags.json) printJson(items);
        else printEnvironments(items);
      }),
    );

  withClientOptions(env.command('get').argument('<name>', 'name or id'))
    .description('show one environment')
    .action((name: string, flags: ClientFlags) =>
      withClient(flags, async (client) => {
        const found = await resolveEnvironment(client, name);
        if (flags.json) printJson(found);
        else printEnvironments([found]);
      }),
    );

  for (const [verb, route, description] of [
    ['start', 'startEnvironment', 'start a stopped environment (queued when the host is full)'],
    ['stop', 'stopEnvironment', 'stop it; the workspace is kept'],
    ['restart', 'restartEnvironment', 'stop and start again'],
  ] as const) {
    withClientOptions(env.command(verb).argument('<name>', 'name or id'))
      .description(description)
      .option('--wait', 'wait until it settles')
      .action((name: string, flags: ClientFlags & { wait?: boolean }) =>
        withClient(flags, async (client) => {
          const found = await resolveEnvironment(client, name);
          await finish(client, await client.call(route, { params: { id: found.id } }), flags);
        }),
      );
  }

  resizeCommand(env);
  openCommand(env);

  withClientOptions(env.command('delete').argument('<name>', 'name or id'))
    .description('delete it; --purge also removes its workspace')
    .option('--purge', 'remove the workspace volume too')
    .action((name: string, flags: ClientFlags & { purge?: boolean }) =>
      withClient(flags, async (client) => {
        const found = await resolveEnvironment(client, name);
        const deleted = await client.call('deleteEnvironment', { params: { id: found.id }, query: { purge: flags.purge ? 'true' : 'false' } });
        if (flags.json) printJson(deleted);
        else console.log(`deleted ${deleted.name}${flags.purge ? ' and its workspace' : ' (workspace kept)'}`);
      }),
    );

  withClientOptions(env.command('logs').argument('<name>', 'name or id'))
    .description('show the environment’s log (Jupyter server and build output)')
    .option('--tail <n>', 'lines from the end', '200')
    .option('-f, --follow', 'keep printing new lines')
    .action((name: string, flags: ClientFlags & { tail: string; follow?: boolean }) =>
      withClient(flags, async (client) => {
        const found = await resolveEnvironment(client, name);
        const stream = flags.follow
          ? new EventStream({ url: client.options.url, token: client.options.token ?? '', ca: client.options.ca, topics: [`logs:${found.id}`] })
          : undefined;
        const opened = stream && new Promise<void>((res) => stream.on('state', (s) => s === 'open' && res()));
        stream?.on('event', (e) => e.payload.kind === 'log' && console.log(flags.json ? JSON.stringify(e.payload) : e.payload.line));
        stream?.start();
        await opened; // subscribed before reading the tail: nothing falls in between (a line may show twice)
        const { lines } = await client.call('environmentLogs', { params: { id: found.id }, query: { tail: Number(flags.tail) } });
        for (const line of lines) console.log(flags.json ? JSON.stringify(line) : line.line);
        if (stream) await new Promise<void>((res) => process.once('SIGINT', () => (stream.close(), res())));
      }),
    );

  withClientOptions(env.command('stats').argument('<name>', 'name or id'))
    .description('CPU, memory and GPU use now')
    .action((name: string, flags: ClientFlags) =>
      withClient(flags, async (client) => {
        const found = await resolveEnvironment(client, name);
        const stats = await client.call('environmentStats', { params: { id: found.id } });
        if (flags.json) return printJson(stats);
        const mem = `${(stats.memory.usedBytes / 2 ** 20).toFixed(0)} MiB${stats.memory.limitBytes ? ` of ${(stats.memory.limitBytes / 2 ** 20).toFixed(0)} MiB` : ''}`;
        console.log(`cpu     ${stats.cpu.percent}%${stats.cpu.limitCpus ? ` (limit ${stats.cpu.limitCpus} cpus)` : ''}`);
        console.log(`memory  ${mem}`);
        for (const g of stats.gpus) console.log(`gpu ${g.index}   ${g.name} ${g.utilizationPercent ?? '?'}%`);
      }),
    );

  withClientOptions(env.command('exec').argument('<name>', 'name or id').argument('<command...>', 'command and arguments (after --)'))
    .description('run a command in the environment and print its output (bounded: for checks, not long jobs)')
    .option('--timeout <seconds>', 'give up after this long', '60')
    .action((name: string, command: string[], flags: ClientFlags & { timeout: string }) =>
      withClient(flags, async (client) => {
        const found = await resolveEnvironment(client, name);
        const result = await client.call('execEnvironment', { params: { id: found.id }, body: { command, timeoutSeconds: Number(flags.timeout) } });
        if (flags.json) printJson(result);
        else {
          process.stdout.write(result.stdout);
          process.stderr.write(result.stderr);
          if (result.timedOut) console.error(`mlwb: timed out after ${flags.timeout} s`);
        }
        process.exitCode = result.timedOut ? 124 : (result.exitCode ?? 1);
      }),
    );
}
