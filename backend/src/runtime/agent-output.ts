import { z } from 'zod';
import { GpuStats } from '../protocol/index.js';

/** One line of `python3 -m mlwb_runtime.agent --once` (devcontainer-images/runtime): only what we read of it. */
const AgentLine = z.object({ gpus: z.array(GpuStats) });

/** The GPU figures of an agent line; none when the line is not one (an old image, a failed run). */
export function gpusFromAgent(stdout: string): z.infer<typeof GpuStats>[] {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  try {
    const parsed = AgentLine.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data.gpus : [];
  } catch {
    return [];
  }
}

/** The agent's command inside an environment; its runtime is on the image's PYTHONPATH. */
export const AGENT_ONCE = ['python3', '-m', 'mlwb_runtime.agent', '--once'];
