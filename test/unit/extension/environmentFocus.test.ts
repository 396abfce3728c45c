import { describe, expect, it } from 'vitest';
import { EnvironmentFocus } from '../../../extension/src/environments/focus.js';

describe('EnvironmentFocus', () => {
  it('follows the most recent claim and falls back when it is withdrawn', () => {
    const focus = new EnvironmentFocus();
    const seen: (string | undefined)[] = [];
    focus.onDidChange((id) => seen.push(id));
    focus.set('notebook', 'env_a');
    focus.set('job', 'env_b');
    expect(focus.current).toBe('env_b');
    focus.set('job', undefined);
    expect(focus.current).toBe('env_a');
    focus.set('notebook', undefined);
    expect(seen).toEqual(['env_a', 'env_b', 'env_a', undefined]);
  });

  it('stays silent when a claim changes nothing', () => {
    const focus = new EnvironmentFocus();
    focus.set('notebook', 'env_a');
    const seen: (string | undefined)[] = [];
    focus.onDidChange((id) => seen.push(id));
    focus.set('notebook', 'env_a');
    focus.set('job', 'env_a');
    expect(seen).toEqual([]);
  });
});
