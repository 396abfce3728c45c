import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Cgroups, limitFiles, ownCgroups, parseMemoryStat, parseMountinfo, parseOomKills, parseProcCgroup, probeCgroups, realCgroupFs, type CgroupFs } from '../../../../backend/src/runtime/local/cgroups.js';

/** This very host: cgroup v1 controllers, the memory one in a per-job cgroup, and an empty v2 mount. */
const HYBRID_CGROUP = '9:name=systemd:/\n4:memory:/process_api/cbea1f\n3:cpuset:/\n2:cpuacct:/\n1:cpu:/\n0::/\n';
const HYBRID_MOUNTINFO = [
  '30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
  '31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu',
  '32 30 0:29 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct',
  '33 30 0:30 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset',
  '34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
  '40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
].join('\n');

describe('parsing /proc/self/cgroup and mountinfo', () => {
  it('reads hierarchies, controllers and paths', () => {
    expect(parseProcCgroup(HYBRID_CGROUP)).toContainEqual({ id: '4', controllers: ['memory'], path: '/process_api/cbea1f' });
    expect(parseProcCgroup('0::/user.slice/session-1.scope\n')).toEqual([{ id: '0', controllers: [], path: '/user.slice/session-1.scope' }]);
  });

  it('keeps only cgroup mounts, with their roots and unescaped mount points', () => {
    const mounts = parseMountinfo(`${HYBRID_MOUNTINFO}\n50 30 0:40 /docker/abc /sys/fs/cgroup/my\\040dir rw - cgroup cgroup rw,cpu,cpuacct`);
    expect(mounts).toHaveLength(6);
    expect(mounts.at(-1)).toEqual({ root: '/docker/abc', mountPoint: '/sys/fs/cgroup/my dir', fsType: 'cgroup', options: ['rw', 'cpu', 'cpuacct'] });
  });

  it('finds our own cgroups on a hybrid v1 host, telling cpu from cpuset and cpuacct', () => {
    expect(ownCgroups(HYBRID_CGROUP, HYBRID_MOUNTINFO)).toEqual({ v2: '/sys/fs/cgroup/unified', v1cpu: '/sys/fs/cgroup/cpu', v1memory: '/sys/fs/cgroup/memory/process_api/cbea1f' });
  });

  it('finds our own cgroup on a pure v2 host', () => {
    expect(ownCgroups('0::/user.slice/mlwb.service\n', '25 20 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate')).toEqual({ v2: '/sys/fs/cgroup/user.slice/mlwb.service' });
  });

  it('resolves paths against a mount root that is not / (a container without a cgroup namespace)', () => {
    const info = '31 30 0:28 /docker/abc /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n34 30 0:31 /docker/abc /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory';
    expect(ownCgroups('5:cpu,cpuacct:/docker/abc\n4:memory:/docker/abc/sub\n', info)).toEqual({ v1cpu: '/sys/fs/cgroup/cpu,cpuacct', v1memory: '/sys/fs/cgroup/memory/sub' });
  });
});

describe('limit files and counters', () => {
  it('writes a CFS quota and a memory limit without extra swap (v1)', () => {
    expect(limitFiles(1, { cpus: 1.5, memoryMiB: 512 }).map((f) => [f.file, f.value, f.required])).toEqual([
      ['cpu.cfs_period_us', '100000', true],
      ['cpu.cfs_quota_us', '150000', true],
      ['memory.limit_in_bytes', String(512 * 1024 * 1024), true],
      ['memory.memsw.limit_in_bytes', String(512 * 1024 * 1024), false],
    ]);
  });

  it('writes cpu.max and memory.max (v2)', () => {
    expect(limitFiles(2, { cpus: 0.25, memoryMiB: 128 }).map((f) => [f.file, f.value])).toEqual([
      ['cpu.max', '25000 100000'],
      ['memory.max', String(128 * 1024 * 1024)],
      ['memory.swap.max', '0'],
    ]);
  });

  it('reads OOM kills and memory.stat counters', () => {
    expect(parseOomKills('oom_kill_disable 0\nunder_oom 0\noom_kill 2\n')).toBe(2);
    expect(parseOomKills('low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n')).toBe(1);
    expect(parseOomKills('oom_kill_disable 0\nunder_oom 0\n')).toBe(0);
    expect(parseMemoryStat('cache 10\ntotal_inactive_file 4096\ninactive_file 1\n', 'total_inactive_file')).toBe(4096);
    expect(parseMemoryStat('anon 5\ninactive_file 1024\n', 'inactive_file')).toBe(1024);
  });
});

/**
 * A cgroupfs stand-in on a temp dir: mkdir makes the control files as the kernel does, writes
 * never create files, rmdir refuses while child cgroups exist, and chosen writes fail.
 */
class FakeCgroupFs implements CgroupFs {
  readonly failing = new Map<string, string>();
  constructor(private readonly files: string[]) {}
  read = realCgroupFs.read;
  exists = realCgroupFs.exists;
  write(file: string, value: string): void {
    const code = [...this.failing].find(([suffix]) => file.endsWith(suffix))?.[1];
    if (code) throw Object.assign(new Error(`${code}: ${file}`), { code });
    realCgroupFs.write(file, value);
  }
  mkdir(dir: string): void {
    if (existsSync(dir)) return;
    mkdirSync(dir, { recursive: true });
    for (const f of this.files) writeFileSync(join(dir, f), '');
  }
  rmdir(dir: string): void {
    if (readdirSync(dir).some((e) => statSync(join(dir, e)).isDirectory())) throw Object.assign(new Error('EBUSY'), { code: 'EBUSY' });
    rmSync(dir, { recursive: true });
  }
}

const V1_FILES = ['cgroup.procs', 'cpu.cfs_period_us', 'cpu.cfs_quota_us', 'memory.limit_in_bytes', 'memory.oom_control', 'memory.usage_in_bytes', 'memory.stat'];
const V2_FILES = ['cgroup.procs', 'cgroup.controllers', 'cgroup.subtree_control', 'cpu.max', 'memory.max', 'memory.events', 'memory.current', 'memory.stat'];

describe('probing and using cgroups on fake directories', () => {
  const roots: string[] = [];
  const root = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'mlwb-cgroup-'));
    roots.push(dir);
    return dir;
  };
  afterEach(() => roots.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('v1: enforces when a probe cgroup can be made and limited, and leaves nothing behind', () => {
    const base = root();
    const fs = new FakeCgroupFs(V1_FILES);
    fs.mkdir(join(base, 'cpu'));
    fs.mkdir(join(base, 'memory', 'job'));
    const probe = probeCgroups({ v2: join(base, 'unified'), v1cpu: join(base, 'cpu'), v1memory: join(base, 'memory', 'job') }, fs);
    expect(probe.support).toEqual({ version: 1, cpuParent: join(base, 'cpu', 'mlwb-local'), memoryParent: join(base, 'memory', 'job', 'mlwb-local') });
    expect(probe.reason).toContain('cgroup v1');
    expect(existsSync(join(base, 'cpu', 'mlwb-local'))).toBe(false);
    expect(existsSync(join(base, 'memory', 'job', 'mlwb-local'))).toBe(false);
  });

  it('v1: not enforced when the limit files cannot be written, and says why', () => {
    const base = root();
    const fs = new FakeCgroupFs(V1_FILES);
    fs.failing.set('cpu.cfs_quota_us', 'EACCES');
    const probe = probeCgroups({ v1cpu: join(base, 'cpu'), v1memory: join(base, 'memory') }, fs);
    expect(probe.support).toBeUndefined();
    expect(probe.reason).toMatch(/recorded but not enforced: cgroup v1 is not writable for us: .*cpu.cfs_quota_us.*EACCES/);
    expect(existsSync(join(base, 'cpu', 'mlwb-local'))).toBe(false);
  });

  it('v2: needs the cpu and memory controllers offered to our cgroup', () => {
    const base = root();
    const fs = new FakeCgroupFs(V2_FILES);
    fs.mkdir(join(base, 'own'));
    writeFileSync(join(base, 'own', 'cgroup.controllers'), 'pids io\n');
    expect(probeCgroups({ v2: join(base, 'own') }, fs)).toEqual({ support: undefined, reason: expect.stringContaining('does not offer the cpu and memory controllers') });
  });

  it('v2: not enforced when our own cgroup holds processes (no internal processes rule)', () => {
    const base = root();
    const fs = new FakeCgroupFs(V2_FILES);
    fs.mkdir(join(base, 'own'));
    writeFileSync(join(base, 'own', 'cgroup.controllers'), 'cpu io memory pids\n');
    fs.failing.set(join('own', 'cgroup.subtree_control'), 'EBUSY');
    const probe = probeCgroups({ v2: join(base, 'own') }, fs);
    expect(probe.support).toBeUndefined();
    expect(probe.reason).toContain('EBUSY');
  });

  it('v2: enables the controllers for the children and limits an environment', () => {
    const base = root();
    const fs = new FakeCgroupFs(V2_FILES);
    fs.mkdir(join(base, 'own'));
    writeFileSync(join(base, 'own', 'cgroup.controllers'), 'cpu io memory pids\n');
    const probe = probeCgroups({ v2: join(base, 'own') }, fs);
    expect(probe.support?.version).toBe(2);
    const cgroups = new Cgroups(probe.support!, fs);
    const dirs = cgroups.create('env-1', { cpus: 2, memoryMiB: 256 });
    expect(readFileSync(join(base, 'own', 'cgroup.subtree_control'), 'utf8')).toBe('+cpu +memory');
    expect(readFileSync(join(dirs.cpu, 'cpu.max'), 'utf8')).toBe('200000 100000');
    expect(readFileSync(join(dirs.memory, 'memory.max'), 'utf8')).toBe(String(256 * 1024 * 1024));
    cgroups.add(dirs, 4242);
    expect(cgroups.pids(dirs)).toEqual([4242]);
    writeFileSync(join(dirs.memory, 'memory.events'), 'oom 1\noom_kill 1\n');
    expect(cgroups.oomKilled(dirs)).toBe(true);
    writeFileSync(join(dirs.memory, 'memory.current'), '10000\n');
    writeFileSync(join(dirs.memory, 'memory.stat'), 'inactive_file 4000\n');
    expect(cgroups.memoryUsed(dirs)).toBe(6000);
  });

  it('removes an environment cgroup, and the parent only once no other environment is in it', () => {
    const base = root();
    const fs = new FakeCgroupFs(V1_FILES);
    const cgroups = new Cgroups({ version: 1, cpuParent: join(base, 'cpu', 'mlwb-local'), memoryParent: join(base, 'memory', 'mlwb-local') }, fs);
    const a = cgroups.create('env-a', { cpus: 1, memoryMiB: 128 });
    const b = cgroups.create('env-b', { cpus: 1, memoryMiB: 128 });
    expect(readFileSync(join(a.cpu, 'cpu.cfs_quota_us'), 'utf8')).toBe('100000');
    cgroups.remove(a);
    expect(existsSync(a.cpu)).toBe(false);
    expect(existsSync(join(base, 'cpu', 'mlwb-local'))).toBe(true);
    cgroups.remove(b);
    expect(existsSync(join(base, 'cpu', 'mlwb-local'))).toBe(false);
    expect(existsSync(join(base, 'memory', 'mlwb-local'))).toBe(false);
  });
});
