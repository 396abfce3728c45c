import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../backend/src/client/index.js';
import { EmbeddedStartError } from '../../../extension/src/backend/embedded.js';
import { describeFailure, SettingsError } from '../../../extension/src/backend/failure.js';
import { NodeNotFoundError } from '../../../extension/src/backend/nodeRuntime.js';

describe('describeFailure', () => {
  it('offers to set the token when the backend answers 401', () => {
    expect(describeFailure(new ApiError(401, 'unauthorized', 'invalid token'))).toEqual({ reason: 'token rejected by the backend', remedy: 'setToken' });
  });

  it('offers to reconnect when the backend cannot be reached', () => {
    expect(describeFailure(new ApiError(0, 'unreachable', 'cannot reach http://x: ECONNREFUSED'))).toEqual({
      reason: 'cannot reach http://x: ECONNREFUSED',
      remedy: 'reconnect',
    });
  });

  it('offers a restart when the embedded backend died, naming its last stderr line', () => {
    const error = new EmbeddedStartError('exited', 'the backend exited before it was ready (exit code 1)', ['x', 'Error: disk full']);
    expect(describeFailure(error)).toEqual({ reason: 'the backend exited before it was ready (exit code 1): Error: disk full', remedy: 'restart' });
  });

  it('sends the user to the settings when Node cannot be run or a setting is wrong', () => {
    expect(describeFailure(new EmbeddedStartError('spawn', 'cannot run /x/node: ENOENT')).remedy).toBe('configure');
    expect(describeFailure(new NodeNotFoundError('no node')).remedy).toBe('configure');
    expect(describeFailure(new SettingsError('bad CA file'))).toEqual({ reason: 'bad CA file', remedy: 'configure' });
    expect(describeFailure(new SettingsError('no token', 'setToken')).remedy).toBe('setToken');
  });

  it('describes anything else by its message', () => {
    expect(describeFailure(new Error('odd'))).toEqual({ reason: 'odd', remedy: 'reconnect' });
    expect(describeFailure('odd')).toEqual({ reason: 'odd', remedy: 'reconnect' });
  });
});
