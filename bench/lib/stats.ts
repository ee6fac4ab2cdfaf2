/** Percentiles and small formatting helpers. */

export interface Summary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentiles of `values` (ms). */
export function summarize(values: ArrayLike<number>): Summary {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const at = (p: number) =>
    n === 0 ? 0 : (sorted[Math.min(n - 1, Math.ceil((p / 100) * n) - 1)] as number);
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: n,
    p50: at(50),
    p95: at(95),
    p99: at(99),
    max: n === 0 ? 0 : (sorted[n - 1] as number),
    mean: n === 0 ? 0 : sum / n,
  };
}

export function ms(v: number): string {
  return v >= 100 ? `${Math.round(v)}` : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

export function int(v: number): string {
  return Math.round(v).toLocaleString("en");
}

export function bytes(v: number): string {
  if (v >= 1024 * 1024) return `${(v / 1024 / 1024).toFixed(1)} MB`;
  if (v >= 10 * 1024) return `${(v / 1024).toFixed(1)} KB`;
  return `${Math.round(v).toLocaleString("en")} B`;
}

export function ratio(a: number, b: number): string {
  return b === 0 ? "n/a" : `${(a / b).toFixed(2)}×`;
}
