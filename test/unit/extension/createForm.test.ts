import { describe, expect, it } from 'vitest';
import {
  checkName,
  createBody,
  imageChoices,
  parsePackages,
  parseResource,
  queueWarning,
  splitList,
  suggestName,
} from '../../../extension/src/environments/createForm.js';
import { imageInfo } from '../../fixtures/extension/environments.js';

const capacity = { cpus: 8, memoryMiB: 16384, gpus: 1, used: { cpus: 6, memoryMiB: 2048, gpus: 0 }, queued: 0 };

describe('create form: name', () => {
  it('rejects "Bad Name" with the protocol schema\'s message', () => {
    expect(checkName('Bad Name', [])).toEqual({ severity: 'error', message: 'The name must be lowercase letters, digits and dashes, starting with a letter.' });
  });

  it('rejects an empty, too long or taken name, and accepts a DNS label', () => {
    expect(checkName('  ', [])?.message).toBe('Enter a name.');
    expect(checkName('a'.repeat(41), [])?.message).toBe('A name has at most 40 characters.');
    expect(checkName('cpu-box', ['cpu-box'])?.message).toBe('An environment named "cpu-box" already exists.');
    expect(checkName('cpu-box-2', ['cpu-box'])).toBeUndefined();
  });

  it('suggests the first free name after the image', () => {
    expect(suggestName('python-cpu', ['python-cpu-1', 'python-cpu-2'])).toBe('python-cpu-3');
    expect(checkName(suggestName('x'.repeat(41), []), [])).toBeUndefined();
  });
});

describe('create form: packages', () => {
  it('rejects "pkg;rm" with the schema\'s message, naming the entry', () => {
    expect(parsePackages('curl pkg;rm', 'apt')).toEqual({
      ok: false,
      problem: { severity: 'error', message: '"pkg;rm" must be a Debian package name like "libgomp1" or "curl=7.88.1-10".' },
    });
    expect(parsePackages('requests, pkg;rm', 'pip')).toEqual({
      ok: false,
      problem: { severity: 'error', message: '"pkg;rm" must be a package requirement like "requests" or "torch==2.1.0" (no URLs, no options).' },
    });
    expect(parsePackages('--index-url=http://x', 'pip').ok).toBe(false);
  });

  it('splits on commas and spaces but keeps version ranges and extras whole', () => {
    expect(splitList(' numpy, pandas  scipy,,')).toEqual(['numpy', 'pandas', 'scipy']);
    expect(splitList('torch >= 2.0, < 3 uvicorn[standard,watch]==0.30')).toEqual(['torch>=2.0,<3', 'uvicorn[standard,watch]==0.30']);
    expect(splitList('numpy numpy')).toEqual(['numpy']);
    expect(parsePackages('torch>=2,<3, requests[socks]', 'pip')).toEqual({ ok: true, value: ['torch>=2,<3', 'requests[socks]'] });
    expect(parsePackages('libgomp1 curl=7.88.1-10', 'apt')).toEqual({ ok: true, value: ['libgomp1', 'curl=7.88.1-10'] });
    expect(parsePackages('', 'apt')).toEqual({ ok: true, value: [] });
  });
});

describe('create form: resources', () => {
  it('parses CPUs, memory in MiB or GiB, and GPUs within the protocol bounds', () => {
    expect(parseResource('1.5', 'cpus')).toEqual({ ok: true, value: 1.5 });
    expect(parseResource('4g', 'memoryMiB')).toEqual({ ok: true, value: 4096 });
    expect(parseResource('2048 MiB', 'memoryMiB')).toEqual({ ok: true, value: 2048 });
    expect(parseResource('lots', 'cpus')).toMatchObject({ ok: false, problem: { message: 'Enter a number.' } });
    expect(parseResource('64', 'memoryMiB')).toMatchObject({ ok: false, problem: { severity: 'error' } });
    expect(parseResource('1.5', 'gpus').ok).toBe(false);
  });

  it('refuses more than the host has, and warns when it is more than is free (it will queue)', () => {
    expect(parseResource('16', 'cpus', capacity)).toMatchObject({ ok: false, problem: { message: "This backend's host has 8 CPUs in all." } });
    expect(parseResource('4', 'cpus', capacity)).toEqual({ ok: true, value: 4 });
    expect(queueWarning(4, 'cpus', capacity)).toEqual({ severity: 'warning', message: 'Only 2 CPUs free now: it will wait in the queue until enough is.' });
    expect(queueWarning(2, 'cpus', capacity)).toBeUndefined();
    expect(queueWarning(4, 'cpus', undefined)).toBeUndefined();
  });
});

describe('create form: images and body', () => {
  it('lists built images first, and tells how to build the others', () => {
    const choices = imageChoices([
      imageInfo({ name: 'tensorflow', built: false, offline: false, offlineNote: 'needs a registry and PyPI' }),
      imageInfo({ name: 'python-cpu', built: true }),
    ]);
    expect(choices.map((c) => c.label)).toEqual(['$(package) python-cpu', '$(warning) tensorflow']);
    expect(choices[0]?.detail).toContain('Defaults: 2 CPUs, 4.0 GiB.');
    expect(choices[1]?.description).toContain('not built');
    expect(choices[1]?.detail).toContain('devcontainer-images/build.sh --allow-online (needs a registry and PyPI) tensorflow');
  });

  it('builds a body the protocol accepts', () => {
    expect(createBody({ name: 'cpu-box', image: 'python-cpu', cpus: 2, memoryMiB: 4096, gpus: 0, apt: ['curl'], pip: ['requests'] })).toEqual({
      name: 'cpu-box',
      image: 'python-cpu',
      packages: { apt: ['curl'], pip: ['requests'] },
      cpus: 2,
      memoryMiB: 4096,
      gpus: 0,
      start: true,
    });
    expect(() => createBody({ name: 'Bad Name', image: 'python-cpu', cpus: 2, memoryMiB: 4096, gpus: 0, apt: [], pip: [] })).toThrow();
  });
});
