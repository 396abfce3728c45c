import { describe, expect, it } from 'vitest';
import { KeyedSerial } from '../../../backend/src/environments/serial.js';

describe('KeyedSerial', () => {
  it('runs tasks of one key in order and of different keys concurrently', async () => {
    const serial = new KeyedSerial();
    const log: string[] = [];
    let releaseA!: () => void;
    const gate = new Promise<void>((r) => (releaseA = r));
    const a1 = serial.run('a', async () => {
      log.push('a1 start');
      await gate;
      log.push('a1 end');
    });
    const a2 = serial.run('a', async () => void log.push('a2'));
    const b1 = serial.run('b', async () => void log.push('b1'));
    await b1;
    expect(log).toEqual(['a1 start', 'b1']);
    releaseA();
    await Promise.all([a1, a2]);
    expect(log).toEqual(['a1 start', 'b1', 'a1 end', 'a2']);
  });

  it('keeps going after a failed task', async () => {
    const serial = new KeyedSerial();
    await expect(serial.run('k', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(serial.run('k', async () => 'next')).resolves.toBe('next');
    await serial.idle();
  });
});
