import { UsageError } from './client.js';

const UNITS: Record<string, number> = { '': 1, m: 1, mi: 1, mib: 1, g: 1024, gi: 1024, gib: 1024 };

/**
 * A memory size as users type it: `4GiB`, `512MiB`, `1.5G`, or a bare number of MiB (what
 * `env create --memory` takes). Binary units only: memory limits are set in MiB.
 */
export function parseMemoryMiB(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const factor = match ? UNITS[match[2]!.toLowerCase()] : undefined;
  const mib = match && factor ? Number(match[1]) * factor : NaN;
  if (!Number.isInteger(mib)) throw new UsageError(`--memory takes a size like 4GiB, 512MiB or a number of MiB, got "${text}"`);
  return mib;
}
