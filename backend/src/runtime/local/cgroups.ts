import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CgroupDirs } from './state.js';

/**
 * CPU and memory limits for local environments, where the host lets us: a per-environment cgroup
 * below the backend's own (v2 `cpu.max`/`memory.max`, or v1 CFS quota and `memory.limit_in_bytes`).
 * Parsing is pure; the file operations go through `CgroupFs` so tests can hand in fake directories.
 */

export interface CgroupEntry {
  id: string;
  controllers: string[];
  path: string;
}

/** `/proc/self/cgroup`: `hierarchy-id:controller,list:/path` (v2: `0::/path`). */
export function parseProcCgroup(text: string): CgroupEntry[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((line) => {
      const match = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
      return match ? [{ id: match[1]!, controllers: match[2] ? match[2].split(',') : [], path: match[3]! }] : [];
    });
}

export interface CgroupMount {
  root: string;
  mountPoint: string;
  fsType: 'cgroup' | 'cgroup2';
  /** Super options; for v1 they name the controllers (`rw,cpu,cpuacct`). */
  options: string[];
}

/** mountinfo escapes space, tab, newline and backslash as octal (`\040`). */
const unescape = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));

/** The cgroup mounts of `/proc/self/mountinfo` (proc(5): `id parent maj:min root mountpoint opts … - fstype source superopts`). */
export function parseMountinfo(text: string): CgroupMount[] {
  return text.split('\n').flatMap((line) => {
    const [left, right] = line.split(' - ');
    if (!left || !right) return [];
    const fields = left.split(' ');
    const [fsType, , superOptions] = right.trim().split(' ');
    if ((fsType !== 'cgroup' && fsType !== 'cgroup2') || fields.length < 5) return [];
    return [{ root: unescape(fields[3]!), mountPoint: unescape(fields[4]!), fsType, options: (superOptions ?? '').split(',') }];
  });
}

/** Where the backend's own cgroups are, per hierarchy. */
export interface OwnCgroups {
  v2?: string;
  v1cpu?: string;
  v1memory?: string;
}

/** A cgroup path is relative to its mount's root (which is not `/` in a container without a cgroup namespace). */
function resolveIn(mount: CgroupMount, cgroupPath: string): string {
  const rel = mount.root !== '/' && cgroupPath.startsWith(mount.root) ? cgroupPath.slice(mount.root.length) : mount.root === '/' ? cgroupPath : '';
  return path.posix.join(mount.mountPoint, rel).replace(/(.)\/+$/, '$1');
}

export function ownCgroups(procCgroup: string, mountinfo: string): OwnCgroups {
  const entries = parseProcCgroup(procCgroup);
  const mounts = parseMountinfo(mountinfo);
  const own: OwnCgroups = {};
  const v2Entry = entries.find((e) => e.id === '0' && e.controllers.length === 0);
  const v2Mount = mounts.find((m) => m.fsType === 'cgroup2');
  if (v2Entry && v2Mount) own.v2 = resolveIn(v2Mount, v2Entry.path);
  for (const controller of ['cpu', 'memory'] as const) {
    const entry = entries.find((e) => e.controllers.includes(controller));
    const mount = mounts.find((m) => m.fsType === 'cgroup' && m.options.includes(controller));
    if (entry && mount) own[controller === 'cpu' ? 'v1cpu' : 'v1memory'] = resolveIn(mount, entry.path);
  }
  return own;
}

/** The file operations on cgroupfs; writes never create files (the kernel makes the control files). */
export interface CgroupFs {
  read(file: string): string;
  write(file: string, value: string): void;
  mkdir(dir: string): void;
  rmdir(dir: string): void;
  exists(file: string): boolean;
}

export const realCgroupFs: CgroupFs = {
  read: (file) => readFileSync(file, 'utf8'),
  write: (file, value) => writeFileSync(file, value, { flag: 'r+' }),
  mkdir: (dir) => mkdirSync(dir, { recursive: true }),
  rmdir: (dir) => rmdirSync(dir),
  exists: (file) => existsSync(file),
};

/** Where per-environment cgroups go: `<own cgroup>/mlwb-local/env-…`, per controller for v1. */
export interface CgroupSupport {
  version: 1 | 2;
  cpuParent: string;
  memoryParent: string;
}

export interface CgroupProbe {
  support: CgroupSupport | undefined;
  /** What was found, for the log and the report: why limits are or are not enforced. */
  reason: string;
}

export const PARENT = 'mlwb-local';
const PERIOD_US = 100_000;
const MIB = 1024 * 1024;

export interface Limits {
  cpus: number;
  memoryMiB: number;
}

/** The limit files of one cgroup; `required` ones must be written, the others are best effort (no swap accounting, say). */
export function limitFiles(version: 1 | 2, limits: Limits): { controller: 'cpu' | 'memory'; file: string; value: string; required: boolean }[] {
  const quota = String(Math.max(1000, Math.round(limits.cpus * PERIOD_US)));
  const bytes = String(limits.memoryMiB * MIB);
  if (version === 2) {
    return [
      { controller: 'cpu', file: 'cpu.max', value: `${quota} ${PERIOD_US}`, required: true },
      { controller: 'memory', file: 'memory.max', value: bytes, required: true },
      // no swap beyond the limit: an OOM kill is reported instead of hidden by thrashing
      { controller: 'memory', file: 'memory.swap.max', value: '0', required: false },
    ];
  }
  return [
    { controller: 'cpu', file: 'cpu.cfs_period_us', value: String(PERIOD_US), required: true },
    { controller: 'cpu', file: 'cpu.cfs_quota_us', value: quota, required: true },
    { controller: 'memory', file: 'memory.limit_in_bytes', value: bytes, required: true },
    // memsw must be set after (and be at least) memory.limit_in_bytes
    { controller: 'memory', file: 'memory.memsw.limit_in_bytes', value: bytes, required: false },
  ];
}

/** `oom_kill <n>` from v2 `memory.events` or v1 `memory.oom_control` (kernel 4.13+). */
export function parseOomKills(text: string): number {
  const match = /^oom_kill\s+(\d+)/m.exec(text);
  return match ? Number(match[1]) : 0;
}

/** One counter of `memory.stat` (`inactive_file` in v2, `total_inactive_file` in v1). */
export function parseMemoryStat(text: string, key: string): number {
  const match = new RegExp(`^${key}\\s+(\\d+)`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
}

const errorText = (err: unknown): string => (err as NodeJS.ErrnoException).code ?? (err as Error).message;

/** Cgroups of this backend's environments: creates parents on demand, never touches anything else. */
export class Cgroups {
  constructor(
    readonly support: CgroupSupport,
    private readonly fs: CgroupFs = realCgroupFs,
  ) {}

  /** v2 only lets a cgroup hand controllers to children when they are enabled in its subtree_control. */
  private ensureParents(): void {
    const { cpuParent, memoryParent, version } = this.support;
    if (version === 2) {
      const own = path.posix.dirname(cpuParent);
      const enabled = this.fs.read(path.posix.join(own, 'cgroup.subtree_control')).split(/\s+/);
      if (!enabled.includes('cpu') || !enabled.includes('memory')) this.fs.write(path.posix.join(own, 'cgroup.subtree_control'), '+cpu +memory');
      this.fs.mkdir(cpuParent);
      this.fs.write(path.posix.join(cpuParent, 'cgroup.subtree_control'), '+cpu +memory');
      return;
    }
    this.fs.mkdir(cpuParent);
    this.fs.mkdir(memoryParent);
  }

  dirsFor(name: string): CgroupDirs {
    const { version, cpuParent, memoryParent } = this.support;
    return { version, cpu: path.posix.join(cpuParent, name), memory: path.posix.join(memoryParent, name) };
  }

  /** Creates (or reuses) the environment's cgroup and writes its limits. */
  create(name: string, limits: Limits): CgroupDirs {
    this.ensureParents();
    const dirs = this.dirsFor(name);
    this.fs.mkdir(dirs.cpu);
    this.fs.mkdir(dirs.memory);
    for (const { controller, file, value, required } of limitFiles(dirs.version, limits)) {
      try {
        this.fs.write(path.posix.join(dirs[controller], file), value);
      } catch (err) {
        if (required) throw new Error(`cannot set ${file} of ${dirs[controller]}: ${errorText(err)}`);
      }
    }
    return dirs;
  }

  /** Moves a process in; its future children follow by themselves. */
  add(dirs: CgroupDirs, pid: number): void {
    for (const dir of new Set([dirs.cpu, dirs.memory])) this.fs.write(path.posix.join(dir, 'cgroup.procs'), String(pid));
  }

  pids(dirs: CgroupDirs): number[] {
    const found = new Set<number>();
    for (const dir of new Set([dirs.cpu, dirs.memory])) {
      try {
        for (const line of this.fs.read(path.posix.join(dir, 'cgroup.procs')).split('\n')) if (line.trim()) found.add(Number(line));
      } catch {
        // gone already
      }
    }
    return [...found];
  }

  oomKilled(dirs: CgroupDirs): boolean {
    try {
      return parseOomKills(this.fs.read(path.posix.join(dirs.memory, dirs.version === 2 ? 'memory.events' : 'memory.oom_control'))) > 0;
    } catch {
      return false;
    }
  }

  /** Memory in use without reclaimable page cache, as `docker stats` counts it. */
  memoryUsed(dirs: CgroupDirs): number | undefined {
    try {
      const v2 = dirs.version === 2;
      const usage = Number(this.fs.read(path.posix.join(dirs.memory, v2 ? 'memory.current' : 'memory.usage_in_bytes')).trim());
      const inactive = parseMemoryStat(this.fs.read(path.posix.join(dirs.memory, 'memory.stat')), v2 ? 'inactive_file' : 'total_inactive_file');
      return Math.max(0, usage - inactive);
    } catch {
      return undefined;
    }
  }

  /** Removes an empty cgroup (the kernel refuses while processes remain); then the parents if nothing else is there. */
  remove(dirs: CgroupDirs): void {
    for (const dir of new Set([dirs.cpu, dirs.memory, this.support.cpuParent, this.support.memoryParent])) {
      try {
        if (this.fs.exists(dir)) this.fs.rmdir(dir);
      } catch {
        // busy (processes left, or another environment's cgroup in a parent): kept
      }
    }
  }
}

/**
 * Can we limit environments here? Tries for real: creates the parent and a probe cgroup, writes
 * limits, removes both. Only a probe that succeeds enables enforcement.
 */
export function probeCgroups(own: OwnCgroups, fs: CgroupFs = realCgroupFs): CgroupProbe {
  const failures: string[] = [];
  const candidates: CgroupSupport[] = [];
  if (own.v2) {
    const controllers = fs.exists(path.posix.join(own.v2, 'cgroup.controllers')) ? fs.read(path.posix.join(own.v2, 'cgroup.controllers')).split(/\s+/) : [];
    if (controllers.includes('cpu') && controllers.includes('memory')) {
      const parent = path.posix.join(own.v2, PARENT);
      candidates.push({ version: 2, cpuParent: parent, memoryParent: parent });
    } else failures.push(`cgroup v2 at ${own.v2} does not offer the cpu and memory controllers`);
  }
  if (own.v1cpu && own.v1memory) candidates.push({ version: 1, cpuParent: path.posix.join(own.v1cpu, PARENT), memoryParent: path.posix.join(own.v1memory, PARENT) });
  else if (!own.v2) failures.push('no cgroup v2 mount and no cgroup v1 cpu and memory controllers');
  for (const support of candidates) {
    const cgroups = new Cgroups(support, fs);
    const name = `probe-${process.pid}`;
    try {
      cgroups.remove(cgroups.create(name, { cpus: 1, memoryMiB: 256 }));
      const where = support.version === 2 ? support.cpuParent : `${support.cpuParent} and ${support.memoryParent}`;
      return { support, reason: `cgroup v${support.version}: environments get their own cgroup under ${where}` };
    } catch (err) {
      cgroups.remove(cgroups.dirsFor(name));
      failures.push(`cgroup v${support.version} is not writable for us: ${(err as Error).message}`);
    }
  }
  return { support: undefined, reason: `limits are recorded but not enforced: ${failures.join('; ')}` };
}

/** Probes the running host (Linux only). */
export function probeHostCgroups(platform: NodeJS.Platform = process.platform): CgroupProbe {
  if (platform !== 'linux') return { support: undefined, reason: `limits are recorded but not enforced: no cgroups on ${platform}` };
  let own: OwnCgroups;
  try {
    own = ownCgroups(readFileSync('/proc/self/cgroup', 'utf8'), readFileSync('/proc/self/mountinfo', 'utf8'));
  } catch (err) {
    return { support: undefined, reason: `limits are recorded but not enforced: cannot read /proc/self: ${errorText(err)}` };
  }
  return probeCgroups(own);
}
