import type { Command } from 'commander';
import { UsageError, withClient, type ClientFlags } from '../client.js';
import { resolveEnvironment } from '../environments.js';
import { parseMemoryMiB } from '../memory.js';
import { printJson } from '../output.js';
import { withClientOptions } from './options.js';

const num = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v));

/** `mlwb env resize NAME --cpus N --memory 4GiB --gpus N`: new resources for the next start. */
export function resizeCommand(env: Command): void {
  withClientOptions(env.command('resize').argument('<name>', 'name or id'))
    .description('change the CPUs, memory or GPUs of a queued or stopped environment (used from its next start)')
    .option('--cpus <n>', 'CPUs')
    .option('--memory <size>', 'memory: 4GiB, 512MiB, or a number of MiB')
    .option('--gpus <n>', 'GPUs')
    .action((name: string, flags: ClientFlags & { cpus?: string; memory?: string; gpus?: string }) =>
      withClient(flags, async (client) => {
        if (flags.cpus === undefined && flags.memory === undefined && flags.gpus === undefined) throw new UsageError('name at least one of --cpus, --memory, --gpus');
        const found = await resolveEnvironment(client, name);
        const body = { cpus: num(flags.cpus), memoryMiB: flags.memory === undefined ? undefined : parseMemoryMiB(flags.memory), gpus: num(flags.gpus) };
        const resized = await client.call('resizeEnvironment', { params: { id: found.id }, body });
        if (flags.json) return printJson(resized);
        const { cpus, memoryMiB, gpus } = resized.resources;
        const queued = resized.state === 'queued' ? `; queued${resized.queuePosition ? ` #${resized.queuePosition}` : ''}` : '';
        console.log(`${resized.name}: ${cpus} CPUs, ${memoryMiB} MiB, ${gpus} GPUs from its next start${queued}`);
      }),
    );
}
