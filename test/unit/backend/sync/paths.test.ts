import { describe, expect, it } from 'vitest';
import { SyncApplyBody, SyncPlanBody, unsafeSyncPath, WorkspaceName } from '../../../../backend/src/protocol/index.js';
import { workspaceNameFor } from '../../../../backend/src/client/workspace-name.js';

const entry = (path: string) => ({ path, md5: 'd41d8cd98f00b204e9800998ecf8427e', size: 0 });

describe('sync paths', () => {
  it.each([
    ['../etc/passwd', "climbs out with '..'"],
    ['a/../../b', "climbs out with '..'"],
    ['/etc/passwd', 'is absolute'],
    ['C:/x', 'starts with a drive letter'],
    ['a\\b', 'contains a backslash (a separator on Windows)'],
    ['a\0b', 'contains a NUL byte'],
    ['a%2f..', 'contains a percent-encoded separator, dot, NUL or percent sign'],
    ['a//b', 'has an empty segment'],
    ['a/', 'has an empty segment'],
    ['./a', "has a '.' segment"],
    ['a\nb', 'contains a control character'],
  ])('refuses %j: %s', (path, reason) => {
    expect(unsafeSyncPath(path)).toBe(reason);
  });

  it.each(['train.py', 'src/models/net.py', '.env.example', 'a b/c d.txt', 'ünïcode/ファイル.txt', '..hidden'])('accepts %j', (path) => {
    expect(unsafeSyncPath(path)).toBeUndefined();
  });

  it('names the field of a refused path in a manifest', () => {
    const parsed = SyncPlanBody.safeParse({ files: [entry('ok.py'), entry('../x')] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({ path: ['files', 1, 'path'], message: "climbs out with '..'" });
  });

  it('refuses a path listed twice and a file that is also a folder', () => {
    const twice = SyncPlanBody.safeParse({ files: [entry('a'), entry('a')] });
    expect(twice.error?.issues[0]).toMatchObject({ path: ['files', 1, 'path'], message: '"a" is listed twice' });
    const both = SyncApplyBody.safeParse({ name: 'ws', files: [entry('a'), entry('a/b')] });
    expect(both.error?.issues[0]).toMatchObject({ path: ['files', 1, 'path'], message: '"a" is listed as a file and as a folder' });
  });

  it('refuses an unsafe workspace name', () => {
    for (const name of ['', '..', 'a/b', 'A', '-x', 'x.']) expect(WorkspaceName.safeParse(name).success, name).toBe(false);
  });

  it('derives a safe workspace name from a folder', () => {
    expect(workspaceNameFor('/home/me/My Project')).toBe('my-project');
    expect(workspaceNameFor('/tmp/__init__')).toBe('init__');
    expect(workspaceNameFor('/tmp/...')).toBe('workspace');
    expect(WorkspaceName.safeParse(workspaceNameFor(`/x/${'a'.repeat(80)}`)).success).toBe(true);
  });
});
