/** How numbers and sizes read in the dataset views and the Datasets tree (one place, so they agree). */

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** `812 B`, `1.4 KB`, `23.0 MB` (powers of 1024, as file managers show them). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

const COUNT = new Intl.NumberFormat('en-US');

/** `12,345`. */
export function formatCount(count: number): string {
  return COUNT.format(count);
}

/** A statistic: integers as counts, other values with four significant digits (`0.1235`, `1.235e+6`). */
export function formatStat(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return formatCount(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e6 || abs < 1e-3)) return value.toExponential(3);
  return String(Number(value.toPrecision(4)));
}

/** `12.5%` of `whole`; `0%` of nothing. */
export function formatPercent(part: number, whole: number): string {
  if (whole <= 0) return '0%';
  const pct = (part / whole) * 100;
  return `${pct > 0 && pct < 0.1 ? '<0.1' : Number(pct.toFixed(1))}%`;
}

/** A sample cell: null as `null`, everything else as text. */
export function formatCell(value: string | number | boolean | null): string {
  return value === null ? 'null' : String(value);
}
