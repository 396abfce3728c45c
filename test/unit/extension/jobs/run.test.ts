import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rerunBody, runScriptBody, scriptPath } from '../../../../extension/src/jobs/run.js';
import { job } from './builders.js';

describe('running a file', () => {
  it("gives the file's path in its folder with '/' separators, also from Windows", () => {
    expect(scriptPath('/home/ann/proj', '/home/ann/proj/src/train.py', path.posix)).toBe('src/train.py');
    expect(scriptPath('C:\\Users\\Ann\\proj', 'C:\\Users\\Ann\\proj\\src\\train.py', path.win32)).toBe('src/train.py');
    expect(scriptPath('/home/ann/proj', '/home/ann/other/train.py', path.posix)).toBeUndefined();
    expect(scriptPath('C:\\proj', 'D:\\proj\\train.py', path.win32)).toBeUndefined();
  });

  it('runs python3 on it from the synced folder, which is where tracebacks map back from', () => {
    expect(runScriptBody('env_abcdefgh', '/home/mlwb/work/proj', 'src/train.py')).toEqual({
      envId: 'env_abcdefgh',
      command: ['python3', 'src/train.py'],
      cwd: '/home/mlwb/work/proj',
      workspaceRoot: '/home/mlwb/work/proj',
    });
  });

  it('reruns a job as it was, leaving out what it did not have', () => {
    expect(rerunBody(job({ envId: 'env_abcdefgh', command: ['python3', '-c', 'print(1)'], cwd: null, workspaceRoot: null }))).toEqual({ envId: 'env_abcdefgh', command: ['python3', '-c', 'print(1)'] });
  });
});
