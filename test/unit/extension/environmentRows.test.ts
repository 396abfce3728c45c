import { describe, expect, it } from 'vitest';
import { environmentRows, environmentTooltip, stateLook } from '../../../extension/src/environments/rows.js';
import { jupyterUrl } from '../../../extension/src/environments/jupyter.js';
import { environment } from '../../fixtures/extension/environments.js';

describe('environment rows', () => {
  it('shows each state with its icon, and the place in the queue', () => {
    const look = (state: Parameters<typeof environment>[0]) => stateLook(environment(state));
    expect(look({ state: 'running' })).toEqual({ icon: 'pass-filled', color: 'charts.green', words: 'running' });
    expect(look({ state: 'queued', queuePosition: 3 })).toEqual({ icon: 'clock', words: '#3 in queue' });
    expect(look({ state: 'building' }).icon).toBe('sync~spin');
    expect(look({ state: 'starting' }).icon).toBe('sync~spin');
    expect(look({ state: 'stopping' }).icon).toBe('sync~spin');
    expect(look({ state: 'stopped' }).icon).toBe('circle-outline');
    expect(look({ state: 'failed' })).toMatchObject({ icon: 'error', color: 'charts.red' });
  });

  it('describes image, CPUs, memory and GPUs, and gives menus a context value per state', () => {
    const [row] = environmentRows({ status: 'ready' }, [environment({ name: 'gpu-box', image: 'pytorch-cuda', state: 'queued', queuePosition: 2, resources: { cpus: 4, memoryMiB: 16384, gpus: 1 } })], 'refresh');
    expect(row).toMatchObject({ label: 'gpu-box', description: '#2 in queue · pytorch-cuda · 4 CPUs · 16.0 GiB · 1 GPU', contextValue: 'environment.queued', icon: 'clock' });
    const [small] = environmentRows({ status: 'ready' }, [environment({ resources: { cpus: 0.5, memoryMiB: 512, gpus: 0 } })], 'refresh');
    expect(small?.description).toBe('python-cpu · 0.5 CPUs · 512 MiB');
  });

  it('puts every field in the tooltip, says when limits are not enforced, and escapes the failure reason', () => {
    const env = environment({
      state: 'failed',
      reason: 'pip install failed: *no* [match]',
      driver: 'local',
      limitsEnforced: false,
      packages: { apt: ['curl'], pip: ['torch==2.1.0'] },
      env: { SECRET_TOKEN: 'hunter2' },
    });
    const tooltip = environmentTooltip(env);
    expect(tooltip).toContain('**' + env.name + '** — failed');
    expect(tooltip).toContain('$(error) pip install failed: \\*no\\* \\[match\\]');
    expect(tooltip).toContain('| Limits | recorded only, not enforced by the local driver |');
    expect(tooltip).toContain('`curl`');
    expect(tooltip).toContain('`torch==2.1.0`');
    expect(tooltip).toContain('`SECRET_TOKEN`');
    expect(tooltip).not.toContain('hunter2');
    expect(tooltip).toContain(`| Id | \`${env.id}\` |`);
  });

  it('shows only the first line of a reason that holds a whole build log', () => {
    const tooltip = environmentTooltip(environment({ state: 'failed', reason: 'package install failed: exit 100\nStep 1/9 : FROM x\nStep 2/9' }));
    expect(tooltip).toContain('$(error) package install failed: exit 100 (the whole output is in its log)');
    expect(tooltip).not.toContain('Step 2/9');
  });

  it('shows one row that retries when the list failed, and a loading row before the first list', () => {
    expect(environmentRows({ status: 'failed', message: 'no route' }, [], 'mlwb.environment.refresh')).toEqual([
      expect.objectContaining({ label: 'Cannot list environments', description: 'no route', command: { command: 'mlwb.environment.refresh', title: 'Refresh' } }),
    ]);
    expect(environmentRows({ status: 'loading' }, [], 'r')).toEqual([expect.objectContaining({ icon: 'loading~spin' })]);
    // Empty and listed: no rows, so the view shows its welcome ("No environments yet").
    expect(environmentRows({ status: 'ready' }, [], 'r')).toEqual([]);
  });
});

describe('jupyterUrl', () => {
  it('is the backend proxy path of the environment', () => {
    expect(jupyterUrl('https://mlwb.example.org:8787', 'env_ab12cd34')).toBe('https://mlwb.example.org:8787/api/v1/environments/env_ab12cd34/jupyter/');
    expect(jupyterUrl('http://127.0.0.1:9000/', 'env_ab12cd34')).toBe('http://127.0.0.1:9000/api/v1/environments/env_ab12cd34/jupyter/');
  });
});
