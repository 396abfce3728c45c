import { isUtf8 } from 'node:buffer';

/**
 * Checks a byte stream for valid UTF-8, chunk by chunk. Node's `isUtf8` (simdutf) says whether a
 * whole buffer is valid but not where it fails, and a chunk may end inside a character, so this
 * carries an incomplete tail over and, only on failure, walks the chunk to find the first bad byte.
 */
export class Utf8Checker {
  private carry: Buffer = Buffer.alloc(0);
  private offset = 0;

  /** The absolute offset of the first invalid byte, or -1 while all is valid. */
  push(chunk: Uint8Array): number {
    const data = this.carry.length ? Buffer.concat([this.carry, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const start = this.offset - this.carry.length;
    const complete = completePrefixLength(data);
    const body = data.subarray(0, complete);
    if (!isUtf8(body)) return start + firstInvalidUtf8(body);
    this.carry = Buffer.from(data.subarray(complete));
    this.offset += chunk.byteLength;
    return -1;
  }

  /** At the end of the stream a character left unfinished is invalid. */
  end(): number {
    return this.carry.length ? this.offset - this.carry.length : -1;
  }
}

/** Length of `data` without a trailing lead byte whose character would need more bytes than are left. */
function completePrefixLength(data: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, data.length); back++) {
    const b = data[data.length - back]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for its lead
    const need = sequenceLength(b);
    return need > back ? data.length - back : data.length;
  }
  return data.length;
}

function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/** Second-byte ranges that rule out overlong forms, surrogates and code points past U+10FFFF (RFC 3629 §4). */
function secondByteOk(lead: number, b: number): boolean {
  if (lead === 0xe0) return b >= 0xa0 && b <= 0xbf;
  if (lead === 0xed) return b >= 0x80 && b <= 0x9f;
  if (lead === 0xf0) return b >= 0x90 && b <= 0xbf;
  if (lead === 0xf4) return b >= 0x80 && b <= 0x8f;
  return (b & 0xc0) === 0x80;
}

/** Index of the first byte that starts an invalid sequence; `data.length` when there is none. */
export function firstInvalidUtf8(data: Uint8Array): number {
  let i = 0;
  while (i < data.length) {
    const lead = data[i]!;
    const len = sequenceLength(lead);
    if (len === 1) {
      i++;
      continue;
    }
    if (len === 0 || i + len > data.length || !secondByteOk(lead, data[i + 1]!)) return i;
    for (let k = 2; k < len; k++) if ((data[i + k]! & 0xc0) !== 0x80) return i;
    i += len;
  }
  return i;
}
