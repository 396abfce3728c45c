// `npm run bench:data`: a generated CSV (13 columns, quoted fields, nulls; 1 GB, or BENCH_SIZE_MB)
// read raw, hashed (md5, as the store does), validated, hashed and validated in one pass (what an
// upload does), profiled by us, and profiled by DuckDB alone (SUMMARIZE) — all in the same run, as
// MB/s and as ratios (medians of BENCH_RUNS, default 3). The file is cached under .mlwb/cache, so a
// rerun skips generating it.
import { DuckDBInstance } from '@duckdb/node-api';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, linkSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { detectFormat } from '../backend/src/data/inspect/detect.js';
import type { DetectedFormat } from '../backend/src/data/inspect/formats.js';
import { sqlString } from '../backend/src/data/inspect/engine.js';
import { profileFile } from '../backend/src/data/inspect/profile.js';
import { createValidator } from '../backend/src/data/inspect/validate.js';
import { inspectFile } from '../backend/src/data/service/ingest.js';
import { ContentStore } from '../backend/src/data/store/cas.js';

const SIZE_MB = Number(process.env.BENCH_SIZE_MB ?? 1000);
const THREADS = Number(process.env.BENCH_THREADS ?? availableParallelism());
const CHUNK = 1024 * 1024;
/** Runs of every step; each figure is the median. */
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

const CATEGORIES = ['books', 'games', 'garden', 'music', 'tools', 'toys'];
const CITIES = ['Berlin', 'Paris', 'New York, NY', 'São Paulo', 'Tokyo'];

/** One row; a fixed LCG keeps the file identical from run to run. */
function row(i: number, r: number): string {
  const user = `"user ${i % 9973}, the ""${Math.floor(r * 100)}"""`;
  const score = i % 7 === 0 ? '' : (r * 10).toFixed(3);
  const city = i % 5 === 0 ? '' : `"${CITIES[i % CITIES.length]}"`;
  const day = String(1 + (i % 28)).padStart(2, '0');
  const minute = String(i % 60).padStart(2, '0');
  return `${i},${user},${CATEGORIES[i % 6]},${(r * 1000).toFixed(2)},${i % 17},2024-01-${day} 12:${minute}:00,${i % 3 === 0},${score},${city},"note ${r.toString(36).slice(2, 10)}",${(r * 180 - 90).toFixed(5)},${(r * 360 - 180).toFixed(5)},C${i % 1000}\n`;
}

async function generate(path: string, bytes: number): Promise<void> {
  const tmp = `${path}.partial`;
  const out = createWriteStream(tmp);
  out.write('id,user,category,price,qty,ts,flag,score,city,comment,lat,lon,code\n');
  let seed = 1;
  let written = 0;
  for (let i = 0; written < bytes; ) {
    let chunk = '';
    for (let k = 0; k < 10_000; k++, i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      chunk += row(i, seed / 2147483648);
    }
    written += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((res, rej) => out.end((err?: Error | null) => (err ? rej(err) : res())));
  renameSync(tmp, path);
}

async function stream(path: string, each: (chunk: Buffer) => void): Promise<number> {
  const t0 = performance.now();
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK }) as AsyncIterable<Buffer>) each(chunk);
  return performance.now() - t0;
}

async function duckdbSummarize(path: string): Promise<number> {
  const instance = await DuckDBInstance.create(':memory:', { threads: String(THREADS), autoinstall_known_extensions: 'false' });
  const connection = await instance.connect();
  try {
    const t0 = performance.now();
    await connection.runAndReadAll(`SUMMARIZE SELECT * FROM read_csv(${sqlString(path)})`);
    return performance.now() - t0;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/**
 * What completing an upload costs on the backend (DatasetService.addFile): format detection, then
 * md5 and the DuckDB profile at the same time, then the upload file is moved into the store. The
 * "upload" is a hard link to the bench file, so no copy is timed and the cache file stays.
 */
async function addAndProfile(path: string, store: ContentStore): Promise<void> {
  const upload = join(store.root, 'upload.csv');
  rmSync(upload, { force: true });
  linkSync(path, upload);
  const inspected = await inspectFile(upload, 'bench.csv', { threads: THREADS });
  await store.adopt(upload, inspected.md5);
  await store.remove(store.pathOf(inspected.md5)); // the next run adds it again
}

/** Each step reads the whole file once; its figure is the median over the runs, which interleave. */
function steps(path: string, detected: DetectedFormat, store: ContentStore): Record<string, () => Promise<unknown>> {
  const hashAndValidate = (validate: boolean) => {
    const md5 = createHash('md5');
    const validator = createValidator(detected)!;
    return stream(path, (c) => {
      md5.update(c);
      if (validate) validator.write(c);
    }).then(() => validator.end());
  };
  const profile = () => profileFile(path, detected, { threads: THREADS });
  return {
    rawRead: () => stream(path, () => undefined),
    md5: () => hashAndValidate(false),
    validate: () => {
      const validator = createValidator(detected)!;
      return stream(path, (c) => validator.write(c)).then(() => validator.end());
    },
    md5AndValidateOnePass: () => hashAndValidate(true),
    duckdbSummarize: () => duckdbSummarize(path),
    profile,
    // What an add can do: hash (and validate) the upload while DuckDB profiles it. DuckDB's strict
    // CSV reader already refuses what the validator refuses, so hashing alone is the lean variant.
    profileWithMd5Overlapped: () => Promise.all([hashAndValidate(false), profile()]),
    profileWithMd5AndValidateOverlapped: () => Promise.all([hashAndValidate(true), profile()]),
    // The product path: POST /dataset-uploads/:id/complete (detect + md5 || profile, then adopt into the store).
    addAndProfile: () => addAndProfile(path, store),
  };
}

async function main(): Promise<void> {
  const cache = resolve('.mlwb/cache');
  mkdirSync(cache, { recursive: true });
  const path = join(cache, `bench-data-${SIZE_MB}MB-v1.csv`);
  const generated = !existsSync(path);
  if (generated) await generate(path, SIZE_MB * 1e6);
  const mb = statSync(path).size / 1e6;
  const detected = await detectFormat(path);
  const { rowCount, columns } = await profileFile(path, detected, { threads: THREADS, sampleRows: 0 }); // also warms the page cache

  const store = await ContentStore.open(join(cache, 'bench-store'));
  const work = steps(path, detected, store);
  const times: Record<string, number[]> = {};
  for (let run = 0; run < RUNS; run++) {
    for (const [name, step] of Object.entries(work)) {
      const t0 = performance.now();
      await step();
      (times[name] ??= []).push(performance.now() - t0);
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const ms = Object.fromEntries(Object.entries(times).map(([name, xs]) => [name, median(xs)]));
  const rate = (t: number): number => Math.round((mb / (t / 1000)) * 10) / 10;
  const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;
  const figures = Object.fromEntries(
    Object.entries(ms).map(([name, t]) => [name, { ms: Math.round(t), mbPerS: rate(t), timeVsRawRead: ratio(t, ms.rawRead!), timeVsDuckdbProfile: ratio(t, ms.duckdbSummarize!) }]),
  );
  console.log(
    JSON.stringify(
      {
        benchmark: 'data.inspect',
        file: { mb: Math.round(mb), rows: rowCount, columns: columns.length, generated, format: detected.format },
        threads: THREADS,
        runs: RUNS,
        note: 'medians; the file is read from the page cache',
        ...figures,
        // Issue 5's bar: the backend's add (md5 + store) and profile together within DuckDB's profile alone.
        bar: { addAndProfileVsDuckdbSummarize: ratio(ms.addAndProfile!, ms.duckdbSummarize!), met: ms.addAndProfile! <= ms.duckdbSummarize! },
        node: process.version,
      },
      null,
      2,
    ),
  );
}

void main();
