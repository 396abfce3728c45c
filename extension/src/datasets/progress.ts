import { formatBytes } from '../../../webviews/shared/format.js';

/** Samples older than this drop out of the rate: it follows the last seconds, not the whole upload. */
const WINDOW_MS = 5_000;

/** Bytes per second over the last few seconds of an upload (or hashing) that reports bytes done. */
export class RateMeter {
  private readonly samples: { at: number; bytes: number }[] = [];

  add(bytes: number, at: number): void {
    this.samples.push({ at, bytes });
    while (this.samples.length > 2 && at - this.samples[0]!.at > WINDOW_MS) this.samples.shift();
  }

  /** Bytes per second, or undefined until two samples span some time. */
  get rate(): number | undefined {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (!first || !last || last.at <= first.at) return undefined;
    return ((last.bytes - first.bytes) * 1000) / (last.at - first.at);
  }
}

/** `1.2 MB of 10.0 MB (12%) · 3.4 MB/s`: what a progress notification says. */
export function progressText(done: number, total: number, rate: number | undefined): string {
  const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
  const parts = [`${formatBytes(done)} of ${formatBytes(total)} (${pct}%)`];
  if (rate !== undefined) parts.push(`${formatBytes(Math.round(rate))}/s`);
  return parts.join(' · ');
}
