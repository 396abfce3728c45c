import { describe, expect, it } from 'vitest';
import { EnvironmentKernels } from '../../../../extension/src/notebooks/environmentKernels.js';
import type { KernelSession, KernelSessionOptions } from '../../../../extension/src/notebooks/kernelSession.js';

/** Records what is asked of each session; stands in for a kernel on a Jupyter server. */
function kernels() {
  const made: { options: KernelSessionOptions; calls: string[] }[] = [];
  const target = { target: { baseUrl: 'http://b/api/v1/environments/e1/jupyter/', authorization: 'Bearer t' }, envName: 'alpha', environmentRunning: async () => true };
  const env = new EnvironmentKernels(target, (options) => {
    const calls: string[] = [];
    made.push({ options, calls });
    return { shutdown: async () => void calls.push('shutdown'), environmentStopped: () => calls.push('stopped') } as unknown as KernelSession;
  });
  return { env, made };
}

describe("an environment's kernels", () => {
  it('keeps one kernel per notebook, created with the notebook’s path', () => {
    const { env, made } = kernels();
    const a = env.sessionFor('file:///w/a.ipynb', { path: 'a.ipynb' });
    expect(env.sessionFor('file:///w/a.ipynb', { path: 'a.ipynb' })).toBe(a);
    env.sessionFor('file:///w/sub/b.ipynb', { path: 'sub/b.ipynb' });
    expect(made.map((m) => [m.options.path, m.options.envName])).toEqual([
      ['a.ipynb', 'alpha'],
      ['sub/b.ipynb', 'alpha'],
    ]);
    expect(env.existing('file:///w/c.ipynb')).toBeUndefined();
  });

  it('shuts a closed notebook’s kernel down; its next run gets a new one', async () => {
    const { env, made } = kernels();
    env.sessionFor('n', { path: 'n.ipynb' });
    await env.close('n');
    expect(made[0]!.calls).toEqual(['shutdown']);
    expect(env.existing('n')).toBeUndefined();
    env.sessionFor('n', { path: 'n.ipynb' });
    expect(made).toHaveLength(2);
  });

  it('tells every kernel the environment stopped, and has nothing left to shut down afterwards', async () => {
    const { env, made } = kernels();
    env.sessionFor('a', { path: 'a.ipynb' });
    env.sessionFor('b', { path: 'b.ipynb' });
    env.environmentStopped();
    await env.dispose();
    expect(made.map((m) => m.calls)).toEqual([['stopped'], ['stopped']]);
  });
});
