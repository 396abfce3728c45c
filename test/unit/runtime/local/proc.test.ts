import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cpuPercent, cpuSample, descendants, environHas, parseProcStat, parsePs, parseVmRss, ProcFs, type ProcStat } from '../../../../backend/src/runtime/local/proc.js';

const statLine = (pid: number, comm: string, ppid: number, utime: number, stime: number, start: number, state = 'S'): string =>
  `${pid} (${comm}) ${state} ${ppid} ${pid} ${pid} 0 -1 4194560 1000 0 0 0 ${utime} ${stime} 0 0 20 0 1 0 ${start} 12345678 2000 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0`;

const proc = (pid: number, ppid: number, utime = 0, starttime = '1'): ProcStat => ({ pid, ppid, pgrp: pid, state: 'S', utime, stime: 0, starttime });

describe('/proc/<pid>/stat', () => {
  it('reads the fields after the command name', () => {
    expect(parseProcStat(statLine(4242, 'python3', 1, 150, 50, 998877))).toEqual({ pid: 4242, state: 'S', ppid: 1, pgrp: 4242, utime: 150, stime: 50, starttime: '998877' });
  });

  it('copes with spaces and parentheses in the command name', () => {
    expect(parseProcStat(statLine(7, 'a) (b c) Z 9', 3, 1, 2, 5, 'R'))).toMatchObject({ pid: 7, state: 'R', ppid: 3, utime: 1, stime: 2, starttime: '5' });
  });

  it('rejects what is not a stat line', () => {
    expect(parseProcStat('')).toBeUndefined();
    expect(parseProcStat('12 (x) S 1')).toBeUndefined();
  });

  it('reads VmRSS in bytes', () => {
    expect(parseVmRss('Name:\tpython3\nVmRSS:\t   51200 kB\nThreads: 3\n')).toBe(51200 * 1024);
    expect(parseVmRss('Name:\tkthreadd\n')).toBeUndefined();
  });

  it('finds a marker in a NUL-separated environ', () => {
    expect(environHas('A=1\0MLWB_ENV_ID=env_1\0B=2\0', 'MLWB_ENV_ID', 'env_1')).toBe(true);
    expect(environHas('MLWB_ENV_ID=env_12\0', 'MLWB_ENV_ID', 'env_1')).toBe(false);
  });
});

describe('process trees and CPU use', () => {
  it('collects a process and all below it', () => {
    const table = [proc(1, 0), proc(10, 1), proc(11, 10), proc(12, 11), proc(13, 10), proc(20, 1)];
    expect(descendants(table, 10).sort()).toEqual([10, 11, 12, 13]);
    expect(descendants(table, 99)).toEqual([]);
  });

  it('counts percent of one core between two samples', () => {
    const prev = cpuSample([proc(10, 1, 100), proc(11, 10, 50)], 0);
    // 1 s later: 10 used 50 ticks (0.5 s), 11 used 100 ticks (1 s)
    expect(cpuPercent(prev, cpuSample([proc(10, 1, 150), proc(11, 10, 150)], 1000))).toBe(150);
  });

  it('counts a new process fully, a vanished or reused pid never negatively', () => {
    const prev = cpuSample([proc(10, 1, 100), proc(11, 10, 500)], 0);
    const next = cpuSample([proc(10, 1, 100), proc(11, 10, 20, '2'), proc(12, 10, 30)], 2000);
    expect(cpuPercent(prev, next)).toBe(25);
    expect(cpuPercent(next, next)).toBe(0);
  });

  it('parses ps output (macOS, BSD)', () => {
    expect(parsePs('  101     1  20480   3.5\n  102   101   1024   0.0\n garbage\n')).toEqual([
      { pid: 101, ppid: 1, rssBytes: 20480 * 1024, cpuPercent: 3.5 },
      { pid: 102, ppid: 101, rssBytes: 1024 * 1024, cpuPercent: 0 },
    ]);
  });

  it('reads a /proc directory: the table, RSS and the processes carrying a marker', () => {
    const root = mkdtempSync(join(tmpdir(), 'mlwb-proc-'));
    try {
      const add = (pid: number, ppid: number, environ: string): void => {
        mkdirSync(join(root, String(pid)));
        writeFileSync(join(root, String(pid), 'stat'), statLine(pid, 'python', ppid, 1, 1, pid * 10));
        writeFileSync(join(root, String(pid), 'status'), `VmRSS:\t${pid} kB\n`);
        writeFileSync(join(root, String(pid), 'environ'), environ);
      };
      add(10, 1, 'MLWB_ENV_ID=env_a\0');
      add(11, 10, 'MLWB_ENV_ID=env_a\0');
      add(12, 1, 'MLWB_ENV_ID=env_b\0');
      mkdirSync(join(root, 'self'));
      const fs = new ProcFs(root);
      const table = fs.table();
      expect(table.map((p) => p.pid).sort()).toEqual([10, 11, 12]);
      expect(fs.carrying(table, 'MLWB_ENV_ID', 'env_a').sort()).toEqual([10, 11]);
      expect(fs.rss(11)).toBe(11 * 1024);
      expect(fs.rss(99)).toBe(0);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
