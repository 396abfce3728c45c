import { tableColumns, type Column } from './columns.js';
import type { ChangedRow, RowDiff, SampleRow, TabularDiff } from '../../protocol/data-diff.js';
import { sqlName, withEngine, type Engine, type EngineOptions, type Row } from './engine.js';
import { DiffKeyError } from './errors.js';
import type { DetectedFormat } from './formats.js';
import { loadTable } from './load.js';
import { profileTable } from './profile.js';
import type { Profile } from '../../protocol/data-profile.js';
import { sampleRow } from './sample.js';
import { diffProfiles } from './profile-diff.js';

export { diffFolders } from './folder-diff.js';
export { diffProfiles } from './profile-diff.js';

export const DIFF_SAMPLES = 20;

export interface TabularVersion {
  path: string;
  detected: DetectedFormat;
  /** The version's stored profile, which saves profiling it again. */
  profile?: Profile;
}

export interface DiffOptions extends EngineOptions {
  /** Match rows by this column; without it rows are compared whole, by hash. */
  key?: string;
}

/**
 * Diffs two versions of a table: schema, row counts, statistic shifts, and rows added, removed
 * and changed (by key) with up to 20 samples each. Both files are loaded into one DuckDB, so the
 * row comparisons are joins.
 */
export function diffTabular(before: TabularVersion, after: TabularVersion, options: DiffOptions = {}): Promise<TabularDiff> {
  return withEngine(options, async (engine) => {
    await loadTable(engine, 'before', before.path, before.detected);
    await loadTable(engine, 'after', after.path, after.detected);
    const [old, now] = [await tableColumns(engine, 'before'), await tableColumns(engine, 'after')];
    const shared = now.filter((c) => old.some((o) => o.name === c.name)).map((c) => ({ name: c.name, retyped: old.find((o) => o.name === c.name)!.engineType !== c.engineType }));
    const rows = options.key === undefined ? await diffByHash(engine, { old, now }, shared) : await diffByKey(engine, { old, now, key: options.key }, shared);
    const profiles = {
      before: before.profile ?? (await profileTable(engine, 'before', before.detected.format, 0)),
      after: after.profile ?? (await profileTable(engine, 'after', after.detected.format, 0)),
    };
    return { version: 1, ...diffProfiles(profiles.before, profiles.after), rows };
  });
}

interface Tables {
  old: Column[];
  now: Column[];
  key?: string;
}

interface Shared {
  name: string;
  /** Compared as text where the two versions type it differently. */
  retyped: boolean;
}

const value = (table: string, c: Shared): string => (c.retyped ? `CAST(${table}.${sqlName(c.name)} AS VARCHAR)` : `${table}.${sqlName(c.name)}`);

async function count(engine: Engine, sql: string): Promise<number> {
  const [row = {}] = await engine.rows(sql);
  return Number(Object.values(row)[0] ?? 0);
}

async function diffByKey(engine: Engine, tables: Tables, shared: Shared[]): Promise<RowDiff> {
  const { old, now } = tables;
  const key = tables.key!;
  const k = shared.find((c) => c.name === key);
  if (!k) throw new DiffKeyError(key, `is not a column of ${old.some((c) => c.name === key) ? 'the newer' : now.some((c) => c.name === key) ? 'the older' : 'either'} version`);
  for (const table of ['before', 'after']) {
    const [dup] = await engine.rows(`SELECT CAST(${sqlName(key)} AS VARCHAR) AS v FROM ${table} GROUP BY ${sqlName(key)} HAVING count(*) > 1 LIMIT 1`);
    if (dup) throw new DiffKeyError(key, `holds ${dup.v === null ? 'no value' : JSON.stringify(dup.v)} in more than one row of the ${table === 'before' ? 'older' : 'newer'} version`);
  }
  const on = `${value('o', k)} IS NOT DISTINCT FROM ${value('n', k)}`;
  const others = shared.filter((c) => c.name !== key);
  const differs = others.length ? others.map((c) => `${value('o', c)} IS DISTINCT FROM ${value('n', c)}`).join(' OR ') : 'false';
  const keyOrder = sqlName(key);
  const added = `FROM after AS n ANTI JOIN before AS o ON ${on}`;
  const removed = `FROM before AS o ANTI JOIN after AS n ON ${on}`;
  const changed = `FROM before AS o JOIN after AS n ON ${on} WHERE ${differs}`;
  const matched = await count(engine, `SELECT count(*) FROM before AS o JOIN after AS n ON ${on}`);
  const changedCount = await count(engine, `SELECT count(*) ${changed}`);
  return {
    mode: 'key',
    key,
    added: await count(engine, `SELECT count(*) ${added}`),
    removed: await count(engine, `SELECT count(*) ${removed}`),
    changed: changedCount,
    unchanged: matched - changedCount,
    samples: {
      added: await samples(engine, `SELECT n.* ${added} ORDER BY n.${keyOrder}`, now),
      removed: await samples(engine, `SELECT o.* ${removed} ORDER BY o.${keyOrder}`, old),
      changed: await changedSamples(engine, tables, others, `SELECT o AS before, n AS after ${changed} ORDER BY o.${keyOrder}`),
    },
  };
}

async function samples(engine: Engine, sql: string, columns: Column[]): Promise<SampleRow[]> {
  const rows = await engine.rows(`${sql} LIMIT ${DIFF_SAMPLES}`);
  return rows.map((r) => sampleRow(r, columns));
}

async function changedSamples(engine: Engine, tables: Tables, others: Shared[], sql: string): Promise<ChangedRow[]> {
  const rows = await engine.rows(`${sql} LIMIT ${DIFF_SAMPLES}`);
  return rows.map((r) => {
    const before = sampleRow(r.before as Row, tables.old);
    const after = sampleRow(r.after as Row, tables.now);
    const columns = others.filter((c) => String(before[c.name]) !== String(after[c.name]) || (before[c.name] === null) !== (after[c.name] === null)).map((c) => c.name);
    return { key: before[tables.key!] ?? null, before, after, columns };
  });
}

/** Rows compared whole as a multiset: a row present twice before and once after is one removal. */
async function diffByHash(engine: Engine, tables: Tables, shared: Shared[]): Promise<RowDiff> {
  const hash = (t: string): string => (shared.length ? `hash(${shared.map((c) => value(t, c)).join(', ')})` : '0');
  const counts = `WITH o AS (SELECT ${hash('before')} AS h, count(*) AS c FROM before GROUP BY h), n AS (SELECT ${hash('after')} AS h, count(*) AS c FROM after GROUP BY h)`;
  const [row = {}] = await engine.rows(
    `${counts} SELECT sum(greatest(coalesce(n.c, 0) - coalesce(o.c, 0), 0)) AS added, sum(greatest(coalesce(o.c, 0) - coalesce(n.c, 0), 0)) AS removed, sum(least(coalesce(o.c, 0), coalesce(n.c, 0))) AS unchanged FROM o FULL JOIN n ON o.h = n.h`,
  );
  const only = (t: string, other: string): string => `SELECT * FROM ${t} WHERE ${hash(t)} NOT IN (SELECT ${hash(other)} FROM ${other}) ORDER BY rowid`;
  return {
    mode: 'hash',
    key: null,
    added: Number(row.added ?? 0),
    removed: Number(row.removed ?? 0),
    changed: null,
    unchanged: Number(row.unchanged ?? 0),
    samples: { added: await samples(engine, only('after', 'before'), tables.now), removed: await samples(engine, only('before', 'after'), tables.old), changed: [] },
  };
}
