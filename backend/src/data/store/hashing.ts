/** md5 over streams, chunk by chunk (never the whole content in memory), with byte progress. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Called with the number of bytes done so far. */
export type ByteProgress = (bytes: number) => void;

const PROGRESS_STEP = 4 * 1024 * 1024;

/**
 * Wraps a progress callback so it fires at most once per 4 MiB and once at the end (`done`),
 * whatever the chunk size: hashing a 1 GB file reports ~250 times, not 16 000.
 */
export function throttleProgress(onProgress: ByteProgress | undefined): { add(bytes: number): void; done(): void } {
  let total = 0;
  let reported = 0;
  return {
    add(bytes) {
      total += bytes;
      if (onProgress && total - reported >= PROGRESS_STEP) {
        reported = total;
        onProgress(total);
      }
    },
    done() {
      if (onProgress && reported !== total) onProgress(total);
      reported = total;
    },
  };
}

/** md5 and byte count of everything `source` yields. */
export async function md5OfStream(source: AsyncIterable<Uint8Array>, onProgress?: ByteProgress): Promise<{ md5: string; size: number }> {
  const hash = createHash('md5');
  const progress = throttleProgress(onProgress);
  let size = 0;
  for await (const chunk of source) {
    hash.update(chunk);
    size += chunk.length;
    progress.add(chunk.length);
  }
  progress.done();
  return { md5: hash.digest('hex'), size };
}

export function md5OfFile(path: string, onProgress?: ByteProgress): Promise<{ md5: string; size: number }> {
  return md5OfStream(createReadStream(path, { highWaterMark: 1024 * 1024 }), onProgress);
}
