import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JobLogWriter, readLog, scanLog } from '../../../../backend/src/jobs/log-file.js';

const tempFile = (): string => join(mkdtempSync(join(tmpdir(), 'mlwb-joblog-')), 'job.log');
const fail = (err: Error): never => {
  throw err;
};

describe('job log files', () => {
  it('numbers lines from 1 without gaps and reads them back from any seq', async () => {
    const file = tempFile();
    const writer = new JobLogWriter(file, fail);
    writer.append([{ stream: 'system', text: 'start' }]);
    for (let i = 0; i < 25; i++) writer.append(Array.from({ length: 100 }, (_, j) => ({ stream: 'stdout' as const, text: `line ${i * 100 + j}` })));
    writer.append([{ stream: 'stderr', text: 'é \x1b[31mred\x1b[0m "quoted"' }]);
    writer.close();
    expect(writer.position.lines).toBe(2502);

    const all = await readLog(file, writer.position, 1, 5000);
    expect(all.map((l) => l.seq)).toEqual(Array.from({ length: 2502 }, (_, i) => i + 1));
    expect(all[0]).toMatchObject({ stream: 'system', text: 'start' });
    expect(all.at(-1)).toMatchObject({ seq: 2502, stream: 'stderr', text: 'é \x1b[31mred\x1b[0m "quoted"' });

    for (const from of [1, 999, 1000, 1001, 2001, 2502]) {
      const page = await readLog(file, writer.position, from, 3);
      expect(page.map((l) => l.seq)).toEqual([from, from + 1, from + 2].filter((s) => s <= 2502));
      expect(page).toEqual(all.slice(from - 1, from + 2));
    }
    expect(await readLog(file, writer.position, 2503, 10)).toEqual([]);
  });

  it('finds the same position again by scanning (after a restart), and appends after it', async () => {
    const file = tempFile();
    const writer = new JobLogWriter(file, fail);
    writer.append(Array.from({ length: 1500 }, (_, i) => ({ stream: 'stdout' as const, text: String(i) })));
    writer.close();
    const scanned = await scanLog(file);
    expect(scanned).toEqual(writer.position);
    const again = new JobLogWriter(file, fail, scanned);
    expect(again.append([{ stream: 'system', text: 'later' }])[0]!.seq).toBe(1501);
    again.close();
    expect((await readLog(file, await scanLog(file), 1500, 5)).map((l) => l.text)).toEqual(['1499', 'later']);
  });

  it('reads no further than the position it is given (what a running job has written so far)', async () => {
    const file = tempFile();
    const writer = new JobLogWriter(file, fail);
    writer.append([{ stream: 'stdout', text: 'a' }]);
    const snapshot = { ...writer.position };
    writer.append([{ stream: 'stdout', text: 'b' }]);
    expect((await readLog(file, snapshot, 1, 10)).map((l) => l.text)).toEqual(['a']);
    writer.close();
  });

  it('treats a missing file as an empty log and keeps numbering over a line it cannot parse', async () => {
    expect(await scanLog(join(tmpdir(), 'mlwb-no-such-job.log'))).toEqual({ lines: 0, bytes: 0, checkpoints: [] });
    const file = tempFile();
    writeFileSync(file, `${JSON.stringify({ seq: 1, stream: 'stdout', text: 'ok', at: new Date().toISOString() })}\nnot json\n`);
    const lines = await readLog(file, await scanLog(file), 1, 10);
    expect(lines.map((l) => [l.seq, l.stream])).toEqual([[1, 'stdout'], [2, 'system']]);
    expect(readFileSync(file, 'utf8')).toContain('not json');
  });
});
