import { describe, expect, it } from 'vitest';
import { attachConfiguration, debugCommand, debuggerType, debugJobBody, debugPort, pathMappings } from '../../../../extension/src/debug/configuration.js';

describe('debugCommand', () => {
  it('runs the file under debugpy, listening on every interface and waiting for the debugger', () => {
    expect(debugCommand('src/train.py', ['--epochs', '3'], 5679)).toEqual([
      'python3', '-m', 'debugpy', '--listen', '0.0.0.0:5679', '--wait-for-client', 'src/train.py', '--epochs', '3',
    ]);
    expect(debugCommand('a.py', [])).toContain('0.0.0.0:5678');
  });
});

describe('pathMappings', () => {
  it('maps the workspace folder to where it was synced, without trailing separators', () => {
    expect(pathMappings('/home/me/project/', '/workspace/project/')).toEqual([{ localRoot: '/home/me/project', remoteRoot: '/workspace/project' }]);
    expect(pathMappings('C:\\Users\\me\\project\\', '/workspace')).toEqual([{ localRoot: 'C:\\Users\\me\\project', remoteRoot: '/workspace' }]);
  });

  it('keeps a root that is only a separator', () => {
    expect(pathMappings('/', '/')).toEqual([{ localRoot: '/', remoteRoot: '/' }]);
  });
});

describe('attachConfiguration', () => {
  it('attaches the debugpy type to the local tunnel with the mappings and justMyCode', () => {
    expect(attachConfiguration({ jobId: 'job_ab12cd34', name: 'train.py', localPort: 40123, localRoot: '/p', remoteRoot: '/w' })).toEqual({
      type: 'debugpy',
      request: 'attach',
      name: 'train.py',
      connect: { host: '127.0.0.1', port: 40123 },
      pathMappings: [{ localRoot: '/p', remoteRoot: '/w' }],
      justMyCode: true,
      mlwbJobId: 'job_ab12cd34',
    });
  });
});

describe('debuggerType', () => {
  it('prefers the Python Debugger extension, falls back to an older Python extension, else none', () => {
    expect(debuggerType((id) => id === 'ms-python.debugpy' || id === 'ms-python.python')).toBe('debugpy');
    expect(debuggerType((id) => id === 'ms-python.python')).toBe('python');
    expect(debuggerType(() => false)).toBeUndefined();
  });
});

describe('debugJobBody and debugPort', () => {
  it('runs the script under debugpy from the synced folder, which is also the workspace root', () => {
    expect(debugJobBody('env_ab12cd34', '/work/project', 'src/train.py', 23456)).toEqual({
      envId: 'env_ab12cd34',
      command: ['python3', '-m', 'debugpy', '--listen', '0.0.0.0:23456', '--wait-for-client', 'src/train.py'],
      cwd: '/work/project',
      workspaceRoot: '/work/project',
    });
  });

  it('picks a port in 20000–29999', () => {
    expect(debugPort(() => 0)).toBe(20_000);
    expect(debugPort(() => 0.99999)).toBe(29_999);
  });
});
