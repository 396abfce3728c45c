import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { EventBus } from '../events/bus.js';

export const buildTopic = (name: string): string => `logs:image-${name}`;

/**
 * Runs `devcontainer-images/build.sh NAME` for the API, one build at a time (they share the base
 * image and the layer cache), streaming its output to admins on `logs:image-<name>` and ending with
 * a progress event that says whether it worked.
 */
export class ImageBuilder {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly imagesDir: string,
    private readonly bus: EventBus,
  ) {}

  start(name: string): void {
    const topic = buildTopic(name);
    const audience = { userIds: [], admins: true };
    const say = (line: string, stream: 'stdout' | 'stderr' | 'system' = 'system'): void => void this.bus.publish(audience, topic, { kind: 'log', stream, line });
    this.chain = this.chain.then(
      () =>
        new Promise<void>((resolve) => {
          say(`building ${name}…`);
          const child = spawn('bash', [join(this.imagesDir, 'build.sh'), name], { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
          createInterface({ input: child.stdout }).on('line', (l) => say(l, 'stdout'));
          createInterface({ input: child.stderr }).on('line', (l) => say(l, 'stderr'));
          const finish = (ok: boolean, message: string): void => {
            this.bus.publish(audience, topic, { kind: 'progress', task: `build ${name}`, message, finished: true, done: ok ? 1 : 0, total: 1 });
            resolve();
          };
          child.on('error', (err) => finish(false, `cannot run build.sh: ${err.message}`));
          child.on('close', (code) => finish(code === 0, code === 0 ? `built ${name}` : `build of ${name} failed (exit ${code})`));
        }),
    );
  }
}
