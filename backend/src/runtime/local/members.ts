import path from 'node:path';
import { Cgroups, type CgroupFs } from './cgroups.js';
import { descendants, ProcFs } from './proc.js';
import { isAlive, killTree, processStartOf, sendSignal } from './process.js';
import type { CgroupDirs, RunState } from './state.js';

/**
 * The processes of one environment, however they were started: the server's descendants, every
 * process carrying the environment's MLWB_ENV_ID (kernels start sessions of their own and are
 * reparented when the server dies; `exec` commands are not the server's children at all) and,
 * where limits are enforced, everything in its cgroup.
 */
export class EnvProcesses {
  /** Commands `exec` started, per environment: the only way to find them where there is no /proc. */
  private readonly execs = new Map<string, { pid: number; start: string | null }[]>();

  constructor(
    private readonly cgroupFs: CgroupFs,
    private readonly procfs = new ProcFs(),
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  /** A Cgroups for a run's recorded directories, whatever this backend's own probe says now. */
  cgroupsOf(dirs: CgroupDirs): Cgroups {
    return new Cgroups({ version: dirs.version, cpuParent: path.posix.dirname(dirs.cpu), memoryParent: path.posix.dirname(dirs.memory) }, this.cgroupFs);
  }

  track(envId: string, pid: number): void {
    this.execs.set(envId, [...(this.execs.get(envId) ?? []), { pid, start: processStartOf(pid, this.platform) }]);
  }

  private tracked(envId: string): number[] {
    const alive = (this.execs.get(envId) ?? []).filter((e) => isAlive(e.pid, e.start, this.platform));
    this.execs.set(envId, alive);
    return alive.map((e) => e.pid);
  }

  members(envId: string, run: RunState): number[] {
    const alive = isAlive(run.pid, run.processStart, this.platform);
    if (this.platform !== 'linux') return [...(alive ? [run.pid] : []), ...this.tracked(envId)];
    const table = this.procfs.table();
    const found = new Set<number>([...(alive ? descendants(table, run.pid) : []), ...this.tracked(envId)]);
    for (const pid of this.procfs.carrying(table, 'MLWB_ENV_ID', envId)) found.add(pid);
    if (run.cgroup) for (const pid of this.cgroupsOf(run.cgroup).pids(run.cgroup)) found.add(pid);
    found.delete(process.pid);
    return [...found];
  }

  /**
   * SIGTERM to the server's group and to every other member, so Jupyter shuts its kernels down
   * cleanly; after the grace period SIGKILL to whatever is left. Resolves when none is left (or
   * the kernel would not let them go within a few more seconds).
   */
  async terminate(envId: string, run: RunState, graceMs: number): Promise<void> {
    if (this.platform === 'win32') {
      // no signals to ask politely with: taskkill ends each tree at once
      await Promise.all(this.members(envId, run).map((pid) => killTree(pid, 'SIGKILL', 'win32')));
      await this.waitGone(envId, run, 5000);
      this.execs.delete(envId);
      return;
    }
    const leaderAlive = isAlive(run.pid, run.processStart, this.platform);
    // a group is signalled only while its leader is verifiably ours: a dead leader's pid may be anyone's now
    if (leaderAlive) sendSignal(-run.pid, 'SIGTERM');
    for (const pid of this.members(envId, run)) sendSignal(pid, 'SIGTERM');
    if (!(await this.waitGone(envId, run, graceMs))) {
      if (isAlive(run.pid, run.processStart, this.platform)) sendSignal(-run.pid, 'SIGKILL');
      for (const pid of this.members(envId, run)) sendSignal(pid, 'SIGKILL');
      await this.waitGone(envId, run, 5000);
    }
    this.execs.delete(envId);
  }

  private async waitGone(envId: string, run: RunState, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    for (;;) {
      if (this.members(envId, run).length === 0) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
