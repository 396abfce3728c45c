import { describe, expect, it } from 'vitest';
import { containerName, containerSpec, derivedDockerfile, derivedImageTag, volumeName } from '../../../../backend/src/runtime/docker/spec.js';
import { cpuPercent } from '../../../../backend/src/runtime/docker/stats.js';
import type { RuntimeTarget } from '../../../../backend/src/runtime/driver.js';

const target = (over: Partial<RuntimeTarget> = {}): RuntimeTarget => ({
  envId: 'env_AbCdEfGh12345678',
  ownerId: 'usr_owner0000001',
  name: 'demo',
  imageRef: 'mlwb/python-cpu:0.1.0',
  resources: { cpus: 1.5, memoryMiB: 2048, gpus: 0 },
  env: { FOO: 'bar' },
  jupyterToken: 'secret',
  jupyterBaseUrl: '/api/v1/environments/env_AbCdEfGh12345678/jupyter/',
  ...over,
});

describe('docker container spec', () => {
  it('enforces limits and drops privileges', () => {
    const spec = containerSpec(target());
    expect(spec.HostConfig).toMatchObject({
      NanoCpus: 1.5e9,
      Memory: 2048 * 1024 * 1024,
      MemorySwap: 2048 * 1024 * 1024,
      SecurityOpt: ['no-new-privileges'],
      CapDrop: ['ALL'],
      ReadonlyRootfs: true,
      NetworkMode: 'mlwb',
    });
    expect(spec.HostConfig!.PidsLimit).toBeGreaterThan(0);
    expect(spec.User).toBe('1000:1000');
    expect(spec.HostConfig!.Mounts).toEqual([{ Type: 'volume', Source: volumeName('env_AbCdEfGh12345678'), Target: '/home/mlwb' }]);
    expect(spec.HostConfig!.Binds).toBeUndefined();
    expect(spec.HostConfig!.PortBindings).toEqual({ '8888/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] });
    expect(spec.Labels).toMatchObject({ 'mlwb.env': 'env_AbCdEfGh12345678', 'mlwb.owner': 'usr_owner0000001' });
    expect(spec.Env).toEqual(expect.arrayContaining(['FOO=bar', 'OMP_NUM_THREADS=2', 'HOME=/home/mlwb', 'JUPYTER_TOKEN=secret']));
    expect(spec.HostConfig!.DeviceRequests).toBeUndefined();
  });

  it('asks for GPUs through the nvidia device driver', () => {
    expect(containerSpec(target({ resources: { cpus: 1, memoryMiB: 512, gpus: 2 } })).HostConfig!.DeviceRequests).toEqual([
      { Driver: 'nvidia', Count: 2, Capabilities: [['gpu']] },
    ]);
  });

  it('names containers and volumes DNS-safely and stably', () => {
    expect(containerName('env_AbCdEfGh12345678')).toMatch(/^mlwb-env-[0-9a-f]{10}$/);
    expect(containerName('env_AbCdEfGh12345678')).toBe(containerName('env_AbCdEfGh12345678'));
    expect(containerName('env_abcdefgh12345678')).not.toBe(containerName('env_AbCdEfGh12345678'));
  });
});

describe('derived images', () => {
  it('tags by base and sorted packages, so order does not matter', () => {
    const a = derivedImageTag('sha256:1', { apt: ['curl', 'bc'], pip: ['requests'] });
    expect(derivedImageTag('sha256:1', { apt: ['bc', 'curl'], pip: ['requests'] })).toBe(a);
    expect(derivedImageTag('sha256:2', { apt: ['bc', 'curl'], pip: ['requests'] })).not.toBe(a);
    expect(derivedImageTag('sha256:1', { apt: ['bc'], pip: ['requests'] })).not.toBe(a);
  });

  it('installs with exec-form RUN lines and returns to the unprivileged user', () => {
    const file = derivedDockerfile('sha256:base', { apt: ['curl', 'bc'], pip: ['torch==2.1.0'] });
    expect(file).toBe(
      [
        'FROM sha256:base',
        'USER root',
        'RUN ["apt-get","update","-o","APT::Update::Error-Mode=any"]',
        'RUN ["apt-get","install","-y","--no-install-recommends","bc","curl"]',
        'RUN ["rm","-rf","/var/lib/apt/lists"]',
        'RUN ["python3","-m","pip","install","--no-cache-dir","--break-system-packages","torch==2.1.0"]',
        'USER 1000:1000',
        '',
      ].join('\n'),
    );
  });
});

describe('cpuPercent', () => {
  it('computes use in percent of one core, as docker stats does', () => {
    const stats = {
      cpu_stats: { cpu_usage: { total_usage: 2_000_000 }, system_cpu_usage: 20_000_000, online_cpus: 2 },
      precpu_stats: { cpu_usage: { total_usage: 1_000_000 }, system_cpu_usage: 10_000_000 },
      memory_stats: {},
    };
    expect(cpuPercent(stats)).toBe(20);
    expect(cpuPercent({ ...stats, precpu_stats: stats.cpu_stats })).toBe(0);
    expect(cpuPercent({ memory_stats: {} })).toBe(0); // a container being removed answers without CPU figures
  });
});
