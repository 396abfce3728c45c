import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The fields of `/proc/<pid>/stat` we use (proc(5)). */
export interface ProcStat {
  pid: number;
  state: string;
  ppid: number;
  pgrp: number;
  /** User and system time, in clock ticks. */
  utime: number;
  stime: number;
  /** Clock ticks after boot when the process started: with the pid, it names one process for good. */
  starttime: string;
}

/**
 * Parses one `/proc/<pid>/stat` line. The command name (field 2) is in parentheses and may itself
 * hold spaces and parentheses, so the fields are counted from the last `)`.
 */
export function parseProcStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  // fields 3… ; field n is at index n - 3
  const f = text.slice(close + 1).trim().split(/\s+/);
  if (!Number.isInteger(pid) || f.length < 20) return undefined;
  const num = (i: number): number => Number(f[i]);
  return { pid, state: f[0]!, ppid: num(1), pgrp: num(2), utime: num(11), stime: num(12), starttime: f[19]! };
}

/** Resident memory from `/proc/<pid>/status` (`VmRSS: 1234 kB`), in bytes; in kB whatever the page size. */
export function parseVmRss(text: string): number | undefined {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(text);
  return match ? Number(match[1]) * 1024 : undefined;
}

/** Whether `/proc/<pid>/environ` (NUL-separated) holds `name=value`. */
export const environHas = (environ: string, name: string, value: string): boolean => environ.split('\0').includes(`${name}=${value}`);

/** The root and every process below it, following parent links. */
export function descendants(table: readonly ProcStat[], root: number): number[] {
  const children = new Map<number, number[]>();
  for (const p of table) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const found: number[] = [];
  const queue = table.some((p) => p.pid === root) ? [root] : [];
  while (queue.length) {
    const pid = queue.shift()!;
    if (found.includes(pid)) continue;
    found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

/** CPU time of a set of processes at one moment, keyed by pid and start time (a reused pid is another process). */
export interface CpuSample {
  at: number;
  ticks: Map<string, number>;
}

export function cpuSample(stats: readonly ProcStat[], at: number): CpuSample {
  return { at, ticks: new Map(stats.map((s) => [`${s.pid}:${s.starttime}`, s.utime + s.stime])) };
}

/**
 * Percent of one core (100 = one full core, as `docker stats` counts) between two samples. A
 * process new in the second sample counts with all its time, one gone from it with none (a slight
 * underestimate, never a negative figure). USER_HZ is 100 on every Linux architecture Node runs on.
 */
export function cpuPercent(prev: CpuSample, next: CpuSample, ticksPerSecond = 100): number {
  const seconds = (next.at - prev.at) / 1000;
  if (seconds <= 0) return 0;
  let ticks = 0;
  for (const [key, value] of next.ticks) ticks += Math.max(0, value - (prev.ticks.get(key) ?? 0));
  return Math.round((ticks / ticksPerSecond / seconds) * 100 * 10) / 10;
}

/** One line of `ps -A -o pid=,ppid=,rss=,%cpu=` (macOS, BSD): rss in KiB. */
export interface PsRow {
  pid: number;
  ppid: number;
  rssBytes: number;
  cpuPercent: number;
}

export function parsePs(text: string): PsRow[] {
  const rows: PsRow[] = [];
  for (const line of text.split('\n')) {
    const [pid, ppid, rss, cpu] = line.trim().split(/\s+/).map(Number);
    if ([pid, ppid, rss, cpu].every((n) => n !== undefined && Number.isFinite(n))) rows.push({ pid: pid!, ppid: ppid!, rssBytes: rss! * 1024, cpuPercent: cpu! });
  }
  return rows;
}

const readText = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

/** Reads Linux's /proc (the directory is a parameter so tests can hand in a fake one). */
export class ProcFs {
  constructor(readonly root = '/proc') {}

  stat(pid: number): ProcStat | undefined {
    const text = readText(join(this.root, String(pid), 'stat'));
    return text === undefined ? undefined : parseProcStat(text);
  }

  rss(pid: number): number {
    const text = readText(join(this.root, String(pid), 'status'));
    return (text && parseVmRss(text)) || 0;
  }

  /** Every process we can see; those that exit while we read are skipped. */
  table(): ProcStat[] {
    let names: string[];
    try {
      names = readdirSync(this.root);
    } catch {
      return [];
    }
    return names.filter((n) => /^\d+$/.test(n)).flatMap((n) => this.stat(Number(n)) ?? []);
  }

  /** Pids whose environment carries `name=value` (only processes of our own user are readable, which is what we want). */
  carrying(table: readonly ProcStat[], name: string, value: string): number[] {
    return table.filter((p) => {
      const environ = readText(join(this.root, String(p.pid), 'environ'));
      return environ !== undefined && environHas(environ, name, value);
    }).map((p) => p.pid);
  }
}
