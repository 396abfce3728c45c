import type { ColumnSummary, ProfileDiff, SchemaDiff, StatShift } from '../../protocol/data-diff.js';
import type { ColumnProfile, Profile } from '../../protocol/data-profile.js';

/** Schema changes, row counts and per-column statistic shifts between two profiles. */
export function diffProfiles(before: Profile, after: Profile): ProfileDiff {
  return {
    schema: diffSchema(before.columns, after.columns),
    rowCount: { before: before.rowCount, after: after.rowCount },
    stats: after.columns.flatMap((now): StatShift[] => {
      const was = before.columns.find((c) => c.name === now.name);
      return was ? [shift(was, now)] : [];
    }),
  };
}

export function diffSchema(before: readonly Pick<ColumnProfile, 'name' | 'engineType'>[], after: readonly Pick<ColumnProfile, 'name' | 'engineType'>[]): SchemaDiff {
  const old = new Map(before.map((c) => [c.name, c.engineType]));
  const now = new Map(after.map((c) => [c.name, c.engineType]));
  const ref = (c: Pick<ColumnProfile, 'name' | 'engineType'>) => ({ name: c.name, engineType: c.engineType });
  return {
    added: after.filter((c) => !old.has(c.name)).map(ref),
    removed: before.filter((c) => !now.has(c.name)).map(ref),
    retyped: after.flatMap((c) => {
      const was = old.get(c.name);
      return was !== undefined && was !== c.engineType ? [{ name: c.name, before: was, after: c.engineType }] : [];
    }),
  };
}

function summary(c: ColumnProfile): ColumnSummary {
  return {
    type: c.type,
    nullCount: c.nullCount,
    distinctEstimate: c.distinctEstimate,
    mean: c.numeric?.mean ?? null,
    std: c.numeric?.std ?? null,
    min: c.numeric?.min ?? null,
    max: c.numeric?.max ?? null,
  };
}

function shift(was: ColumnProfile, now: ColumnProfile): StatShift {
  const before = summary(was);
  const after = summary(now);
  const meanShift = before.mean !== null && after.mean !== null && before.std ? (after.mean - before.mean) / before.std : null;
  return { name: now.name, before, after, meanShift };
}
