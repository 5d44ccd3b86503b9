// Formatting helpers for data grids: numbers right-aligned with separators, widths sized to content.

const NUMERIC_TYPE =
  /^(TINYINT|SMALLINT|INT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|LONG|SHORT|BYTE|FLOAT|DOUBLE|REAL|DECIMAL|NUMERIC)\b/i;
const BOOLEAN_TYPE = /^(BOOLEAN|BOOL)\b/i;

/** True when a SQL type holds numbers (they are right-aligned and formatted). */
export function isNumericType(dataType: string): boolean {
  return NUMERIC_TYPE.test(dataType.trim());
}

/** True when a SQL type holds booleans. */
export function isBooleanType(dataType: string): boolean {
  return BOOLEAN_TYPE.test(dataType.trim());
}

const INTEGER = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const DECIMAL = new Intl.NumberFormat("en-US", { maximumFractionDigits: 6 });

/** A count with thousands separators: 4799 → "4,799". */
export function formatCount(value: number): string {
  return INTEGER.format(value);
}

/** A number with thousands separators and at most six decimals; numeric strings (DECIMAL) too. */
export function formatNumber(value: number | string): string {
  if (typeof value === "string") {
    if (!/^-?\d+(\.\d+)?$/.test(value.trim())) return value;
    const [whole, fraction] = value.trim().split(".");
    const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return fraction === undefined ? grouped : `${grouped}.${fraction}`;
  }
  if (!Number.isFinite(value)) return String(value);
  return Number.isInteger(value) ? INTEGER.format(value) : DECIMAL.format(value);
}

/** The text a cell shows: NULL for null, formatted numbers, JSON for nested values. */
export function formatCell(value: unknown, numeric: boolean): string {
  if (value === null || value === undefined) return "NULL";
  if (numeric && (typeof value === "number" || typeof value === "string")) return formatNumber(value);
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** A column width in `ch` that fits the header and the widest value, within 6 and 60. */
export function columnWidth(header: string, cells: string[]): number {
  let widest = header.length + 5;
  for (const cell of cells) if (cell.length > widest) widest = cell.length;
  return Math.min(60, Math.max(6, widest + 2));
}

/** The number of pages for `total` rows (at least one). */
export function pageCount(total: number, size: number): number {
  return Math.max(1, Math.ceil(total / Math.max(1, size)));
}

/** A page number within 1..pages, or null when the text is not a whole number. */
export function parsePage(text: string, pages: number): number | null {
  if (!/^\s*\d+\s*$/.test(text)) return null;
  const page = Number(text);
  return Math.min(pages, Math.max(1, page));
}

export type FilterValue = string | number | boolean | null;

/** A filter value typed for its column ("NULL" means IS NULL), or an error message. */
export function parseFilterValue(text: string, dataType: string): { value: FilterValue } | { error: string } {
  const trimmed = text.trim();
  if (trimmed.toUpperCase() === "NULL") return { value: null };
  if (isNumericType(dataType)) {
    const number = Number(trimmed.replace(/,/g, ""));
    if (trimmed === "" || !Number.isFinite(number)) return { error: `Enter a number for this ${dataType} column.` };
    return { value: number };
  }
  if (isBooleanType(dataType)) {
    if (/^(true|false)$/i.test(trimmed)) return { value: trimmed.toLowerCase() === "true" };
    return { error: "Enter true or false." };
  }
  return { value: text };
}
