/** Prints rows as aligned columns; `--json` callers print the API answer instead. */
export function printTable<T>(rows: T[], columns: { header: string; value: (row: T) => string }[], empty: string): void {
  if (rows.length === 0) {
    console.log(empty);
    return;
  }
  const cells = rows.map((row) => columns.map((c) => c.value(row)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]?.length ?? 0)));
  const line = (values: string[]): string => values.map((v, i) => v.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  console.log(line(columns.map((c) => c.header.toUpperCase())));
  for (const row of cells) console.log(line(row));
}

export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}

/** `2026-11-27T19:11:17.000Z` → `2026-11-27 19:11`: enough to tell entries apart in a table. */
export const shortTime = (iso: string | null): string => (iso ? iso.slice(0, 16).replace('T', ' ') : '-');
