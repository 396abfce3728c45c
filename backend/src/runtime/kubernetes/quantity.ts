/**
 * Kubernetes resource quantities (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/):
 * what we write for requests/limits, and what we read back from nodes and metrics.
 */

/** CPUs as a quantity: whole numbers plain (`2`), fractions in millicores (`1500m`). */
export function cpuQuantity(cpus: number): string {
  const milli = Math.round(cpus * 1000);
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

export function memoryQuantity(mib: number): string {
  return `${mib}Mi`;
}

const SUFFIX: Record<string, number> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/;

/** The quantity's value in base units (cores, bytes, devices); NaN when it is not a quantity. */
export function parseQuantity(quantity: string | number | undefined): number {
  if (typeof quantity === 'number') return quantity;
  if (quantity === undefined) return NaN;
  const match = QUANTITY.exec(quantity.trim());
  if (!match) return NaN;
  const [, digits, exponent, suffix] = match;
  if (exponent) return Number(`${digits}${exponent}`);
  return Number(digits) * SUFFIX[suffix ?? '']!;
}
