import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findOnPath, NodeNotFoundError, nodeMajor, resolveNode, type NodeHost } from '../../../extension/src/backend/nodeRuntime.js';
import { tempDir } from '../../fixtures/extension/fakeBackend.js';

const host = (overrides: Partial<NodeHost>): NodeHost => ({
  configured: '',
  execPath: '/host/node',
  electron: undefined,
  findOnPath: async () => undefined,
  ...overrides,
});

describe('resolveNode', () => {
  it('uses the configured path first', async () => {
    await expect(resolveNode(host({ configured: '/opt/node/bin/node', electron: '32.2.1' }))).resolves.toBe('/opt/node/bin/node');
  });

  it("uses the host's own executable when the host is Node (code-server)", async () => {
    await expect(resolveNode(host({}))).resolves.toBe('/host/node');
  });

  it('looks for node on PATH when the host is Electron (desktop VS Code)', async () => {
    await expect(resolveNode(host({ electron: '32.2.1', findOnPath: async (name) => `/usr/bin/${name}` }))).resolves.toBe('/usr/bin/node');
  });

  it('explains what to do when there is none', async () => {
    const error = await resolveNode(host({ electron: '32.2.1' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeNotFoundError);
    expect((error as Error).message).toMatch(/Install Node\.js.*mlwb\.backend\.nodePath/);
  });
});

describe('findOnPath', () => {
  it('returns the first executable match in PATH order, skipping non-executable files', async () => {
    const [a, b, c] = ['a', 'b', 'c'].map((name) => {
      const dir = join(tempDir(), name);
      mkdirSync(dir);
      return dir;
    }) as [string, string, string];
    writeFileSync(join(a, 'node'), ''); // not executable
    for (const dir of [b, c]) {
      writeFileSync(join(dir, 'node'), '#!/bin/sh\n');
      chmodSync(join(dir, 'node'), 0o755);
    }
    await expect(findOnPath('node', { PATH: [a, b, c].join(':') }, 'linux')).resolves.toBe(join(b, 'node'));
    await expect(findOnPath('node', { PATH: a }, 'linux')).resolves.toBeUndefined();
    await expect(findOnPath('node', {}, 'linux')).resolves.toBeUndefined();
  });

  it("tries PATHEXT's extensions on Windows, reading Path as Windows spells it", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'node.EXE'), '');
    await expect(findOnPath('node', { Path: dir, PATHEXT: '.COM;.EXE' }, 'win32')).resolves.toBe(join(dir, 'node.EXE'));
  });
});

describe('nodeMajor', () => {
  it('asks the executable for its version', async () => {
    await expect(nodeMajor(process.execPath)).resolves.toBe(Number(process.versions.node.split('.')[0]));
  });

  it('refuses something that is not Node.js', async () => {
    await expect(nodeMajor(join(tempDir(), 'missing'))).rejects.toBeInstanceOf(NodeNotFoundError);
  });
});
