import { describe, expect, it } from 'vitest';
import { isDnsLabel, namespaceName, resourceNames } from '../../../../backend/src/runtime/kubernetes/names.js';

describe('Kubernetes names', () => {
  const cases = [
    ['env_AbCdEf123456', 'my-env', 'usr_XyZ98765'],
    ['env_ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ', 'a'.repeat(40), 'usr_ABCDEFGHIJKLMNOPQRSTUVWXYZ012345'],
    ['env_00000000', 'x', 'usr_00000000'],
  ] as const;

  it.each(cases)('are DNS-1123 labels of at most 63 characters (%s)', (envId, name, ownerId) => {
    const names = resourceNames(envId, name, ownerId);
    for (const value of Object.values(names)) {
      expect(isDnsLabel(value), value).toBe(true);
      expect(value.length).toBeLessThanOrEqual(63);
    }
    // Services must also be DNS-1035 labels: starting with a letter.
    expect(names.service).toMatch(/^[a-z]/);
  });

  it('tell apart ids that differ only in case', () => {
    expect(resourceNames('env_AbCdEf12', 'n', 'usr_a').pod).not.toBe(resourceNames('env_abcdef12', 'n', 'usr_a').pod);
    expect(namespaceName('usr_AbCdEf12')).not.toBe(namespaceName('usr_abcdef12'));
  });

  it('read well: the environment name first, the owner in the namespace', () => {
    const names = resourceNames('env_AbCdEf123456', 'my-env', 'usr_XyZ98765');
    expect(names.pod).toMatch(/^my-env-[0-9a-f]{8}$/);
    expect(names.pvc).toBe(`${names.pod}-work`);
    expect(names.secret).toBe(`${names.pod}-jupyter`);
    expect(names.namespace).toMatch(/^mlwb-usr-xyz98765-[0-9a-f]{6}$/);
  });

  it('are stable for the same ids', () => {
    expect(resourceNames('env_AbCdEf123456', 'my-env', 'usr_XyZ98765')).toEqual(resourceNames('env_AbCdEf123456', 'my-env', 'usr_XyZ98765'));
  });
});
