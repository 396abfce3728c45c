import type { Command } from 'commander';
import type { ApiClient } from '../../client/http.js';
import { checkoutVersion } from '../../client/data-checkout.js';
import { addDataset, type UploadProgress } from '../../client/data-upload.js';
import { parseVersionRef, type DatasetDiff, type DatasetVersion, type VersionDetail } from '../../protocol/index.js';
import { UsageError, withClient, type ClientFlags } from '../client.js';
import { printJson, printTable, shortTime } from '../output.js';
import { withClientOptions } from './options.js';

/** 1536 → `1.5 KiB`. */
export function humanSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${Math.round(bytes)} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

function refOf(text: string): { name: string; number: number } {
  const ref = parseVersionRef(text);
  if (!ref) throw new UsageError(`"${text}" is not a version; write it as NAME@vN, e.g. iris@v2`);
  return ref;
}

const versionColumns: { header: string; value: (v: DatasetVersion) => string }[] = [
  { header: 'version', value: (v) => v.ref },
  { header: 'format', value: (v) => v.format },
  { header: 'size', value: (v) => humanSize(v.totalSize) },
  { header: 'files', value: (v) => String(v.fileCount) },
  { header: 'created', value: (v) => shortTime(v.createdAt) },
  { header: 'step', value: (v) => (v.step.kind === 'restore' ? `restore ${String(v.step.params?.from ?? '')}` : v.step.kind) },
  { header: 'message', value: (v) => v.message },
];

/** Progress on stderr, one line rewritten in place on a terminal; stdout stays the result. */
function progressPrinter(): (p: UploadProgress) => void {
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (p.phase === 'uploading' && p.bytes < p.total && now - last < 250) return;
    last = now;
    const text =
      p.phase === 'packing' ? 'packing folder…' : p.phase === 'processing' ? 'checking, hashing and profiling on the backend…' : `uploaded ${humanSize(p.bytes)} of ${humanSize(p.total)} (${humanSize(p.rate)}/s)`;
    process.stderr.write(process.stderr.isTTY ? `\r\x1b[K${text}` : `${text}\n`);
    if (p.phase === 'processing' && process.stderr.isTTY) process.stderr.write('\n');
  };
}

function printDetail(v: VersionDetail): void {
  console.log(`${v.ref}  ${v.format}  ${humanSize(v.totalSize)}  ${v.fileCount} file(s)  ${shortTime(v.createdAt)} by ${v.creator}`);
  console.log(`content ${v.contentHash}${v.parent ? `  parent ${v.parent}` : ''}  step ${v.step.kind}${v.message ? `  "${v.message}"` : ''}`);
  if (v.kind === 'folder') printTable(v.files.slice(0, 50), [{ header: 'path', value: (f) => f.path }, { header: 'size', value: (f) => humanSize(f.size) }, { header: 'md5', value: (f) => f.md5 }], 'no files');
  if (!v.profile) return;
  console.log(`\n${v.profile.rowCount} rows, ${v.profile.columns.length} columns`);
  printTable(
    v.profile.columns,
    [
      { header: 'column', value: (c) => c.name },
      { header: 'type', value: (c) => c.engineType },
      { header: 'nulls', value: (c) => String(c.nullCount) },
      { header: 'distinct', value: (c) => `${c.distinctExact ? '' : '~'}${c.distinctEstimate}` },
      { header: 'min', value: (c) => (c.numeric ? String(c.numeric.min) : (c.range?.min ?? '')) },
      { header: 'max', value: (c) => (c.numeric ? String(c.numeric.max) : (c.range?.max ?? '')) },
      { header: 'mean', value: (c) => (c.numeric ? c.numeric.mean.toPrecision(6) : '') },
      { header: 'top', value: (c) => (c.topValues ?? []).slice(0, 3).map((t) => `${t.value} (${t.count})`).join(', ') },
    ],
    'no columns',
  );
}

function printDiff(d: DatasetDiff): void {
  console.log(`${d.from} → ${d.to}`);
  if (d.kind === 'file') {
    console.log(d.diff.same ? 'same content' : `content changed: ${humanSize(d.diff.before.size)} ${d.diff.before.format} → ${humanSize(d.diff.after.size)} ${d.diff.after.format}`);
    return;
  }
  if (d.kind === 'folder') {
    for (const f of d.diff.added) console.log(`+ ${f.relpath} (${humanSize(f.size)})`);
    for (const f of d.diff.removed) console.log(`- ${f.relpath}`);
    for (const f of d.diff.modified) console.log(`~ ${f.relpath} (${humanSize(f.before.size)} → ${humanSize(f.after.size)})`);
    console.log(`${d.diff.added.length} added, ${d.diff.removed.length} removed, ${d.diff.modified.length} modified, ${d.diff.unchanged} unchanged`);
    return;
  }
  const { schema, rowCount, rows, stats } = d.diff;
  console.log(`rows ${rowCount.before} → ${rowCount.after}`);
  for (const c of schema.added) console.log(`+ column ${c.name} ${c.engineType}`);
  for (const c of schema.removed) console.log(`- column ${c.name} ${c.engineType}`);
  for (const c of schema.retyped) console.log(`~ column ${c.name} ${c.before} → ${c.after}`);
  console.log(`rows by ${rows.mode === 'key' ? `key ${rows.key}` : 'row hash'}: ${rows.added} added, ${rows.removed} removed, ${rows.changed ?? '-'} changed, ${rows.unchanged} unchanged`);
  for (const s of stats.filter((x) => x.meanShift !== null && Math.abs(x.meanShift) >= 0.01)) console.log(`  ${s.name}: mean ${s.before.mean} → ${s.after.mean} (${s.meanShift!.toFixed(2)} std)`);
}

type Flags = ClientFlags;
const run = (flags: Flags, work: (client: ApiClient) => Promise<void>): Promise<void> => withClient(flags, work);

function readCommands(data: Command): void {
  withClientOptions(data.command('list'))
    .description('list your datasets with their latest version')
    .action((flags: Flags) =>
      run(flags, async (client) => {
        const { datasets } = await client.call('listDatasets');
        if (flags.json) return printJson(datasets);
        printTable(
          datasets,
          [
            { header: 'name', value: (d) => d.name },
            { header: 'versions', value: (d) => String(d.versionCount) },
            { header: 'latest', value: (d) => d.latest?.ref ?? '-' },
            { header: 'format', value: (d) => d.latest?.format ?? '-' },
            { header: 'size', value: (d) => (d.latest ? humanSize(d.latest.totalSize) : '-') },
            { header: 'updated', value: (d) => shortTime(d.updatedAt) },
          ],
          'no datasets; add one with `mlwb data add PATH --name NAME`',
        );
      }),
    );

  withClientOptions(data.command('versions').argument('<name>', 'dataset name'))
    .description("list a dataset's versions, newest first")
    .action((name: string, flags: Flags) =>
      run(flags, async (client) => {
        const { versions } = await client.call('listVersions', { params: { name } });
        if (flags.json) return printJson(versions);
        printTable(versions, versionColumns, `no versions of ${name}`);
      }),
    );

  withClientOptions(data.command('show').argument('<version>', 'NAME@vN'))
    .description('show a version: its files and, for a table, its profile')
    .action((text: string, flags: Flags) =>
      run(flags, async (client) => {
        const detail = await client.call('getVersion', { params: refOf(text) });
        if (flags.json) return printJson(detail);
        printDetail(detail);
      }),
    );

  withClientOptions(data.command('diff').argument('<from>', 'NAME@vA').argument('<to>', 'NAME@vB'))
    .description('compare two versions of a dataset (tables: schema, rows, statistics; folders: files)')
    .option('--key <column>', 'match table rows by this column (else by row hash)')
    .action((fromText: string, toText: string, flags: Flags & { key?: string }) =>
      run(flags, async (client) => {
        const [from, to] = [refOf(fromText), refOf(toText)];
        if (from.name !== to.name) throw new UsageError('both versions must be of the same dataset');
        const diff = await client.call('diffVersions', { params: { name: from.name }, query: { from: from.number, to: to.number, key: flags.key } });
        if (flags.json) return printJson(diff);
        printDiff(diff);
      }),
    );
}

function writeCommands(data: Command): void {
  withClientOptions(data.command('add').argument('<path>', 'a file or a folder'))
    .description('add a file or folder as the next version of a dataset (uploaded in resumable chunks)')
    .requiredOption('--name <name>', 'dataset name')
    .option('--message <text>', 'what changed', '')
    .option('--force', 'add even when the content equals an existing version')
    .action((path: string, flags: Flags & { name: string; message: string; force?: boolean }) =>
      run(flags, async (client) => {
        const version = await addDataset(client, path, { name: flags.name, message: flags.message, force: flags.force ?? false }, { onProgress: progressPrinter() });
        if (flags.json) return printJson(version);
        console.log(`added ${version.ref} (${version.format}, ${humanSize(version.totalSize)}, ${version.fileCount} file(s))${version.profiled ? '; profiled' : ''}`);
      }),
    );

  withClientOptions(data.command('checkout').argument('<version>', 'NAME@vN'))
    .description('write a version into the workspace (data/raw/NAME/ by default) with its .dvc file')
    .option('--to <dir>', 'folder that receives it', 'data/raw')
    .option('--force', 'replace a target that was not checked out by ML Workbench')
    .action((text: string, flags: Flags & { to: string; force?: boolean }) =>
      run(flags, async (client) => {
        const { name, number } = refOf(text);
        const result = await checkoutVersion(client, name, number, { to: flags.to, force: flags.force ?? false });
        if (flags.json) return printJson({ version: result.version.ref, target: result.target, dvcFile: result.dvcFile, bytes: result.bytes });
        console.log(`checked out ${result.version.ref} to ${result.target} (${humanSize(result.bytes)}); DVC file ${result.dvcFile}`);
      }),
    );

  withClientOptions(data.command('restore').argument('<version>', 'NAME@vN'))
    .description('make an old version the latest again (as a new version; history is kept)')
    .option('--message <text>', 'message of the new version')
    .action((text: string, flags: Flags & { message?: string }) =>
      run(flags, async (client) => {
        const version = await client.call('restoreVersion', { params: refOf(text), body: flags.message === undefined ? {} : { message: flags.message } });
        if (flags.json) return printJson(version);
        console.log(`restored ${text} as ${version.ref}`);
      }),
    );

  withClientOptions(data.command('rm').argument('<version>', 'NAME@vN'))
    .description('delete a version (its content goes once no other version uses it)')
    .action((text: string, flags: Flags) =>
      run(flags, async (client) => {
        const version = await client.call('deleteVersion', { params: refOf(text) });
        if (flags.json) return printJson(version);
        console.log(`deleted ${version.ref}`);
      }),
    );
}

function storeCommands(data: Command): void {
  withClientOptions(data.command('gc'))
    .description('remove stored content no version references (admins)')
    .action((flags: Flags) =>
      run(flags, async (client) => {
        const result = await client.call('gcDatasets');
        if (flags.json) return printJson(result);
        console.log(`removed ${result.removedObjects} object(s), freed ${humanSize(result.freedBytes)}; ${result.keptObjects} kept`);
      }),
    );

  withClientOptions(data.command('verify'))
    .description('re-hash the store and report corrupt or missing content')
    .action((flags: Flags) =>
      run(flags, async (client) => {
        const result = await client.call('verifyDatasets');
        if (flags.json) printJson(result);
        else {
          console.log(`checked ${result.checkedObjects} object(s), ${humanSize(result.checkedBytes)}`);
          for (const c of result.corrupt) console.log(`corrupt ${c.object}: ${c.versions.join(', ') || 'no version of yours'}`);
          for (const m of result.missing) console.log(`missing ${m.object}: ${m.versions.join(', ') || 'no version of yours'}`);
          if (result.corrupt.length + result.missing.length === 0) console.log('all content intact');
        }
        if (result.corrupt.length + result.missing.length > 0) process.exitCode = 1;
      }),
    );
}

export function dataCommand(program: Command): void {
  const data = program.command('data').description('datasets: versions, profiles, diffs, checkout (DVC-compatible)');
  readCommands(data);
  writeCommands(data);
  storeCommands(data);
}
