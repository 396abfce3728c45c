import { execFile } from 'node:child_process';
import { cpuPercent, cpuSample, parsePs, ProcFs, type CpuSample, type ProcStat } from './proc.js';

export interface Usage {
  /** Percent of one core, summed over the processes. */
  cpuPercent: number;
  rssBytes: number;
}

/** A sample older than this is not a fair baseline: a fresh pair is taken instead. */
const STALE_MS = 30_000;
const PAIR_MS = 250;

/**
 * CPU and resident memory summed over an environment's processes. Linux reads /proc and reports
 * the CPU use since the previous call (or over a quarter second on the first); macOS asks `ps`;
 * Windows has neither and reports zeros.
 */
export class UsageSampler {
  private readonly samples = new Map<string, CpuSample>();

  constructor(
    private readonly procfs = new ProcFs(),
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  forget(envId: string): void {
    this.samples.delete(envId);
  }

  async usage(envId: string, pids: number[]): Promise<Usage> {
    if (this.platform === 'linux') return this.fromProc(envId, pids);
    if (this.platform === 'win32') return { cpuPercent: 0, rssBytes: 0 };
    return fromPs(pids);
  }

  private async fromProc(envId: string, pids: number[]): Promise<Usage> {
    const read = (): ProcStat[] => pids.flatMap((pid) => this.procfs.stat(pid) ?? []);
    let prev = this.samples.get(envId);
    if (!prev || Date.now() - prev.at > STALE_MS) {
      prev = cpuSample(read(), Date.now());
      await new Promise((r) => setTimeout(r, PAIR_MS));
    }
    const next = cpuSample(read(), Date.now());
    this.samples.set(envId, next);
    const rssBytes = pids.reduce((sum, pid) => sum + this.procfs.rss(pid), 0);
    return { cpuPercent: cpuPercent(prev, next), rssBytes };
  }
}

function fromPs(roots: number[]): Promise<Usage> {
  return new Promise((resolve) => {
    execFile('ps', ['-A', '-o', 'pid=,ppid=,rss=,%cpu='], { timeout: 10_000 }, (err, stdout) => {
      if (err) return resolve({ cpuPercent: 0, rssBytes: 0 });
      const rows = parsePs(stdout);
      const members = new Set(roots);
      // parents come before children only by chance: repeat until nothing new joins
      for (let grew = true; grew; ) {
        grew = false;
        for (const r of rows) {
          if (!members.has(r.ppid) || members.has(r.pid)) continue;
          members.add(r.pid);
          grew = true;
        }
      }
      const mine = rows.filter((r) => members.has(r.pid));
      resolve({ cpuPercent: Math.round(mine.reduce((s, r) => s + r.cpuPercent, 0) * 10) / 10, rssBytes: mine.reduce((s, r) => s + r.rssBytes, 0) });
    });
  });
}
