import { execFile } from 'node:child_process';
import type { EnvironmentStats } from '../../protocol/index.js';

type GpuStats = EnvironmentStats['gpus'][number];

/** Runs nvidia-smi with these arguments; undefined when it is missing or fails (no NVIDIA driver). */
export type NvidiaSmi = (args: string[]) => Promise<string | undefined>;

export const runNvidiaSmi: NvidiaSmi = (args) =>
  new Promise((resolve) => {
    execFile('nvidia-smi', args, { timeout: 10_000, windowsHide: true }, (err, stdout) => resolve(err ? undefined : stdout));
  });

export const GPU_QUERY = ['--query-gpu=index,name,utilization.gpu,memory.used,memory.total', '--format=csv,noheader,nounits'];

const MIB = 1024 * 1024;

/** A figure of nvidia-smi's CSV, or null where it prints `[N/A]` or `[Not Supported]`. */
const figure = (text: string | undefined): number | null => {
  const n = Number(text?.trim());
  return text !== undefined && text.trim() !== '' && Number.isFinite(n) ? n : null;
};

/** `0, NVIDIA H100 80GB HBM3, 12, 1024, 81559` per GPU (memory in MiB). */
export function parseGpuQuery(csv: string): GpuStats[] {
  return csv
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((line) => {
      const [index, name, util, used, total] = line.split(',');
      const i = figure(index);
      if (i === null || name === undefined) return [];
      const mib = (t: string | undefined): number | null => (figure(t) === null ? null : figure(t)! * MIB);
      return [{ index: i, name: name.trim(), utilizationPercent: figure(util), memoryUsedBytes: mib(used), memoryTotalBytes: mib(total) }];
    });
}

/** `nvidia-smi -L` prints one `GPU <n>: <name> (UUID: …)` line per GPU (and MIG devices indented below). */
export const countGpus = (listing: string): number => listing.split('\n').filter((l) => /^GPU \d+:/.test(l)).length;
