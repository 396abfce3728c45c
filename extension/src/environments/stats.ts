import type { Environment, EnvironmentStats } from '../../../backend/src/protocol/index.js';
import { formatCpus, gib } from './format.js';

/** What the status-bar item shows. */
export interface StatsView {
  text: string;
  tooltip: string;
}

const pct = (n: number): string => `${Math.round(n)}%`;

/** `1.2/4.0 GiB`, or `1.2 GiB` without a limit. */
function memoryText(used: number, limit: number | null): string {
  return limit ? `${gib(used)}/${gib(limit)} GiB` : `${gib(used)} GiB`;
}

/** `GPU 40%`, `GPU 40%/10%` for two; undefined without GPUs or when none reports utilization. */
function gpuText(gpus: EnvironmentStats['gpus']): string | undefined {
  const utils = gpus.map((g) => g.utilizationPercent).filter((u): u is number => u !== null);
  return utils.length ? `GPU ${utils.map(pct).join('/')}` : undefined;
}

const CLICK = 'Click to choose the environment to watch.';

/** `$(pulse) env-name 12% · 1.2/4.0 GiB · GPU 40%`, with the details in the tooltip. */
export function formatStats(name: string, stats: EnvironmentStats): StatsView {
  const { cpu, memory, gpus } = stats;
  const parts = [pct(cpu.percent), memoryText(memory.usedBytes, memory.limitBytes)];
  const gpu = gpuText(gpus);
  if (gpu) parts.push(gpu);
  const lines = [
    `${name}`,
    `CPU: ${pct(cpu.percent)}${cpu.limitCpus ? ` (limit ${formatCpus(cpu.limitCpus)})` : ''}`,
    `Memory: ${memoryText(memory.usedBytes, memory.limitBytes)}${memory.limitBytes ? ` (${pct((memory.usedBytes / memory.limitBytes) * 100)})` : ''}`,
    ...gpus.map((g) => {
      const mem = g.memoryUsedBytes !== null && g.memoryTotalBytes !== null ? `, ${memoryText(g.memoryUsedBytes, g.memoryTotalBytes)}` : '';
      return `GPU ${g.index} ${g.name}: ${g.utilizationPercent === null ? 'n/a' : pct(g.utilizationPercent)}${mem}`;
    }),
    `As of ${stats.at}.`,
    CLICK,
  ];
  return { text: `$(pulse) ${name} ${parts.join(' · ')}`, tooltip: lines.join('\n') };
}

/** Before the first figures arrive, or when they cannot be had. */
export function pendingStats(name: string, problem?: string): StatsView {
  return { text: `$(pulse) ${name}`, tooltip: [name, problem ? `No figures: ${problem}` : 'Waiting for the first figures…', CLICK].join('\n') };
}

/** The environment to watch: the remembered one while it runs, else the first running one by name. */
export function chooseActive(running: readonly Environment[], remembered: string | undefined): Environment | undefined {
  return running.find((e) => e.id === remembered) ?? [...running].sort((a, b) => a.name.localeCompare(b.name))[0];
}
