import { describe, expect, it } from 'vitest';
import { attachConfiguration, debugCommand, pathMappings } from '../../../../extension/src/debug/configuration.js';

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
