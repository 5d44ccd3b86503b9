// Pure helpers for charting a SQL result: default axes and histogram buckets.
export type ChartKind = "bar" | "line" | "area" | "scatter" | "histogram";
export type Column = { name: string; type_name: string };

const NUMERIC = new Set(["BYTE", "SHORT", "INT", "LONG", "FLOAT", "DOUBLE", "DECIMAL"]);

/** True for columns whose values can be plotted on a numeric axis. */
export function isNumeric(column: Column): boolean {
  return NUMERIC.has(column.type_name);
}

/** A sensible default: x is the first non-numeric column (else the first), y the first other numeric one. */
export function defaultAxes(columns: Column[]): { x: string; y: string } {
  const x = columns.find((c) => !isNumeric(c)) ?? columns[0];
  const y = columns.find((c) => isNumeric(c) && c.name !== x?.name) ?? columns.find(isNumeric) ?? columns[0];
  return { x: x?.name ?? "", y: y?.name ?? "" };
}

/** Rows as objects keyed by column name, numbers parsed where the column is numeric. */
export function records(columns: Column[], rows: unknown[][]): Record<string, string | number | null>[] {
  return rows.map((row) =>
    Object.fromEntries(
      columns.map((c, i) => {
        const value = row[i];
        if (value === null || value === undefined) return [c.name, null];
        return [c.name, isNumeric(c) ? Number(value) : String(value)];
      }),
    ),
  );
}

/** Equal-width buckets of the numeric values: label "low–high" and count. */
export function histogram(values: number[], bins: number): { bucket: string; count: number }[] {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return [];
  const low = Math.min(...finite);
  const high = Math.max(...finite);
  const width = high === low ? 1 : (high - low) / bins;
  const counts = new Array<number>(high === low ? 1 : bins).fill(0);
  for (const v of finite) counts[Math.min(counts.length - 1, Math.floor((v - low) / width))] += 1;
  const fmt = (n: number) => Number(n.toPrecision(4)).toString();
  return counts.map((count, i) => ({ bucket: `${fmt(low + i * width)}–${fmt(low + (i + 1) * width)}`, count }));
}
