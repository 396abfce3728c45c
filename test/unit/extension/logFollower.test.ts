import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../backend/src/client/index.js';
import type { LogLines } from '../../../backend/src/protocol/index.js';
import { liveLogLines, LogFollower, mergeTail } from '../../../extension/src/environments/logFollower.js';
import { deferred, fakeApi, FakeLink, linkedBackend } from '../../fixtures/extension/environments.js';

const ENV = 'env_ab12cd34';
const tailOf = (...lines: string[]): LogLines => ({ lines: lines.map((line) => ({ stream: 'stdout' as const, line, at: null })) });

describe('mergeTail', () => {
  it('drops live lines that the tail already ends with', () => {
    expect(mergeTail(['a', 'b', 'c'], ['b', 'c', 'd'])).toEqual(['d']);
    expect(mergeTail(['a', 'b'], ['c'])).toEqual(['c']);
    expect(mergeTail([], ['a'])).toEqual(['a']);
    expect(mergeTail(['a', 'b'], ['a', 'b'])).toEqual([]);
  });
});

describe('LogFollower', () => {
  it('writes the tail, then the live lines, with no line twice and the backend\'s own lines marked', async () => {
    const answer = deferred<LogLines>();
    const backend = linkedBackend(fakeApi({ environmentLogs: () => answer.promise }));
    const out: string[] = [];
    const follower = new LogFollower(backend, ENV, (l) => out.push(l), { tail: 100 });
    const started = follower.start();
    expect(backend.events.subscribed.has(`logs:${ENV}`)).toBe(true);
    // Lines arriving while the tail is fetched: the first is in the tail as well.
    backend.events.emitLog(ENV, 'epoch 2', 'stdout');
    backend.events.emitLog(ENV, 'epoch 3', 'stdout');
    backend.events.emitLog('env_other000', 'not ours', 'stdout');
    answer.resolve(tailOf('epoch 1', 'epoch 2'));
    await started;
    backend.events.emitLog(ENV, 'jupyter server ready', 'system');
    expect(out).toEqual(['epoch 1', 'epoch 2', 'epoch 3', '[mlwb] jupyter server ready']);

    follower.dispose();
    expect(backend.events.subscribed.has(`logs:${ENV}`)).toBe(false);
    backend.events.emitLog(ENV, 'after', 'stdout');
    expect(out).toHaveLength(4);
  });

  it('notes why there is no tail, and still follows', async () => {
    const backend = linkedBackend(
      fakeApi({
        environmentLogs: () => {
          throw new ApiError(409, 'conflict', 'no container yet');
        },
      }),
    );
    const out: string[] = [];
    await new LogFollower(backend, ENV, (l) => out.push(l)).start();
    backend.events.emitLog(ENV, 'Step 1/2', 'system');
    expect(out).toEqual(['[mlwb] no log to show yet (no container yet)', '[mlwb] Step 1/2']);
  });

  it('drops the color codes of Docker\'s build output', async () => {
    const backend = linkedBackend(fakeApi({ environmentLogs: () => tailOf('\x1b[91mE: Unable to locate package x\x1b[0m') }));
    const out: string[] = [];
    await new LogFollower(backend, ENV, (l) => out.push(l)).start();
    backend.events.emitLog(ENV, '\x1b[1;31mboom\x1b[0m', 'system');
    expect(out).toEqual(['E: Unable to locate package x', '[mlwb] boom']);
  });

  it('shows the failure reason of a failed environment, whose build left no log behind', async () => {
    const backend = linkedBackend(fakeApi({ environmentLogs: () => tailOf() }));
    const out: string[] = [];
    await new LogFollower(backend, ENV, (l) => out.push(l), { failure: 'package install failed: exit 100\nStep 4/9 : RUN apt-get install x\n\x1b[91mE: Unable to locate package x\x1b[0m' }).start();
    expect(out).toEqual(['[mlwb] failed: package install failed: exit 100', '[mlwb] Step 4/9 : RUN apt-get install x', '[mlwb] E: Unable to locate package x']);
  });

  it('asks for the tail it was given', async () => {
    const api = fakeApi({ environmentLogs: () => tailOf() });
    await new LogFollower(linkedBackend(api), ENV, () => undefined, { tail: 42 }).start();
    expect(api.calls).toEqual([{ name: 'environmentLogs', input: { params: { id: ENV }, query: { tail: 42 } } }]);
  });
});

describe('liveLogLines', () => {
  it('follows the lines on whichever session is current, and lets go when done', () => {
    const first = linkedBackend(fakeApi({}));
    const second = linkedBackend(fakeApi({}));
    const link = new FakeLink(first);
    const lines: string[] = [];
    const off = liveLogLines(link, ENV, (l) => lines.push(l.line));
    first.events.emitLog(ENV, 'one');
    link.set(second);
    expect(first.events.subscribed.has(`logs:${ENV}`)).toBe(false);
    first.events.emitLog(ENV, 'stale');
    second.events.emitLog(ENV, 'two');
    off();
    second.events.emitLog(ENV, 'three');
    expect(lines).toEqual(['one', 'two']);
    expect(second.events.subscribed.size).toBe(0);
  });
});
