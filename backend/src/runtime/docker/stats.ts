/** The part of Docker's stats answer we read (API 1.41). */
export interface DockerStats {
  /** Absent for a container that is stopping or being removed. */
  cpu_stats?: { cpu_usage?: { total_usage: number; percpu_usage?: number[] }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats?: { cpu_usage?: { total_usage: number }; system_cpu_usage?: number };
  memory_stats: { usage?: number; limit?: number };
}

/**
 * CPU use in percent of one core (100 = one full core), as `docker stats` computes it from the
 * two samples one answer carries.
 */
export function cpuPercent(s: DockerStats): number {
  const now = s.cpu_stats ?? {};
  const before = s.precpu_stats ?? {};
  const cpuDelta = (now.cpu_usage?.total_usage ?? 0) - (before.cpu_usage?.total_usage ?? 0);
  const systemDelta = (now.system_cpu_usage ?? 0) - (before.system_cpu_usage ?? 0);
  if (cpuDelta <= 0 || systemDelta <= 0) return 0;
  const cpus = now.online_cpus ?? now.cpu_usage?.percpu_usage?.length ?? 1;
  return Math.round((cpuDelta / systemDelta) * cpus * 100 * 10) / 10;
}
