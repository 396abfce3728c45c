import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { followFile, parseLogLine, rotateIfLarge, systemLine, tailLines } from '../../../../backend/src/runtime/local/logs.js';

describe('jupyter.log', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mlwb-logs-'));
    file = join(dir, 'jupyter.log');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('tells the driver’s lines from the server’s', () => {
    const at = new Date('2025-01-02T03:04:05.678Z');
    expect(parseLogLine(systemLine('starting Jupyter on 127.0.0.1:41234', at))).toEqual({ stream: 'system', at: at.toISOString(), line: 'starting Jupyter on 127.0.0.1:41234' });
    expect(parseLogLine('[I 2025-01-02 03:04:05.678 ServerApp] Jupyter Server 1.23.3 is running at:')).toEqual({ stream: 'stdout', at: null, line: '[I 2025-01-02 03:04:05.678 ServerApp] Jupyter Server 1.23.3 is running at:' });
  });

  it('tails a small file, a missing one and one larger than the read chunk', () => {
    writeFileSync(file, 'a\nb\nc\n');
    expect(tailLines(file, 2)).toEqual(['b', 'c']);
    expect(tailLines(file, 10)).toEqual(['a', 'b', 'c']);
    expect(tailLines(join(dir, 'none.log'), 5)).toEqual([]);
    const lines = Array.from({ length: 20_000 }, (_, i) => `line ${i} ${'x'.repeat(i % 50)}`);
    writeFileSync(file, lines.join('\n') + '\n');
    expect(tailLines(file, 3)).toEqual(lines.slice(-3));
    expect(tailLines(file, 5000)).toEqual(lines.slice(-5000));
  });

  it('keeps a last partial line', () => {
    writeFileSync(file, 'a\r\nb\r\npartial');
    expect(tailLines(file, 2)).toEqual(['b', 'partial']);
  });

  it('rotates a file over the size limit', () => {
    writeFileSync(file, 'x'.repeat(100));
    rotateIfLarge(file, 1000);
    expect(tailLines(file, 1)).toEqual(['x'.repeat(100)]);
    rotateIfLarge(file, 10);
    expect(tailLines(file, 1)).toEqual([]);
    expect(tailLines(`${file}.1`, 1)).toEqual(['x'.repeat(100)]);
  });

  it('follows appended lines, whole lines only, across a rotation, until the writer is gone', async () => {
    writeFileSync(file, 'old\n');
    const seen: string[] = [];
    let running = true;
    const stop = followFile(file, (l) => seen.push(l), () => running, 20);
    const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 80));
    appendFileSync(file, 'one\ntw');
    await settle();
    expect(seen).toEqual(['one']);
    appendFileSync(file, 'o\n');
    await settle();
    expect(seen).toEqual(['one', 'two']);
    renameSync(file, `${file}.1`);
    writeFileSync(file, 'fresh\n');
    await settle();
    expect(seen).toEqual(['one', 'two', 'fresh']);
    appendFileSync(file, 'last words');
    running = false;
    await settle();
    expect(seen).toEqual(['one', 'two', 'fresh', 'last words']);
    appendFileSync(file, 'after\n');
    await settle();
    expect(seen).toHaveLength(4);
    stop();
  });

  it('stops when disposed', async () => {
    writeFileSync(file, '');
    const seen: string[] = [];
    const stop = followFile(file, (l) => seen.push(l), () => true, 20);
    stop();
    appendFileSync(file, 'x\n');
    await new Promise((r) => setTimeout(r, 80));
    expect(seen).toEqual([]);
  });
});
