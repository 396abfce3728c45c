import type { Command } from 'commander';
import { clientFrom, type ClientFlags } from '../client.js';
import { printJson, printTable } from '../output.js';
import { withClientOptions } from './options.js';

export function imagesCommand(program: Command): void {
  const images = program.command('images').description('the environment image catalog');
  withClientOptions(images.command('list'))
    .description('list catalog images and whether each is built on the backend’s engine')
    .action(async (flags: ClientFlags) => {
      const client = clientFrom(flags);
      try {
        const { items } = await client.call('listImages');
        if (flags.json) return printJson(items);
        printTable(
          items,
          [
            { header: 'name', value: (i) => i.name },
            { header: 'version', value: (i) => i.version },
            { header: 'built', value: (i) => (i.built ? 'yes' : 'no') },
            { header: 'accel', value: (i) => i.accelerator },
            { header: 'python', value: (i) => i.python },
            { header: 'description', value: (i) => (i.offline ? i.description : `${i.description} [${i.offlineNote}]`) },
          ],
          'no images in the catalog',
        );
      } finally {
        await client.close();
      }
    });
}
