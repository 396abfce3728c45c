import type { Command } from 'commander';
import { EventStream } from '../../client/index.js';
import { buildTopic } from '../../images/build-runner.js';
import { withClient, type ClientFlags } from '../client.js';
import { printJson, printTable } from '../output.js';
import { withClientOptions } from './options.js';

export function imagesCommand(program: Command): void {
  const images = program.command('images').description('the environment image catalog');
  withClientOptions(images.command('list'))
    .description('list catalog images and whether each is built on the backend’s engine')
    .action(async (flags: ClientFlags) => {
      await withClient(flags, async (client) => {
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
      });
    });

  withClientOptions(images.command('build').argument('[names...]', 'catalog images (default: every image buildable offline)'))
    .description('build images on the backend’s Docker engine (admins; minutes on first run), printing the build output')
    .action(async (names: string[], flags: ClientFlags) => {
      await withClient(flags, async (client) => {
        const targets = names.length ? names : (await client.call('listImages')).items.filter((i) => i.offline).map((i) => i.name);
        for (const name of targets) {
          const stream = new EventStream({ url: client.options.url, token: client.options.token ?? '', ca: client.options.ca, topics: [buildTopic(name)] });
          const opened = new Promise<void>((res) => stream.on('state', (s) => s === 'open' && res()));
          const outcome = new Promise<{ ok: boolean; message: string }>((res) =>
            stream.on('event', (e) => {
              const p = e.payload;
              if (p.kind === 'log' && !flags.json) console.error(p.line);
              if (p.kind === 'progress' && p.finished) res({ ok: p.done === 1, message: p.message });
            }),
          );
          stream.start();
          await opened; // subscribed before the build starts: no line is missed
          await client.call('buildImage', { params: { name } });
          const { ok, message } = await outcome;
          stream.close();
          if (flags.json) printJson({ name, ok, message });
          else console.log(message);
          if (!ok) process.exitCode = 1;
        }
      });
    });
}
