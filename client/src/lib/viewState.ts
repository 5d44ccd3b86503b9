// The table view (page, size, sort, filters) as URL query parameters, so links restore it.

export const PAGE_SIZES = [10, 25, 50, 100, 500] as const;
export const DEFAULT_PAGE_SIZE = 25;

export type SortDirection = "ASC" | "DESC";
export type TableView = {
  page: number;
  size: number;
  sort: string | null;
  direction: SortDirection;
  filters: Record<string, string>;
};

export const DEFAULT_VIEW: TableView = { page: 1, size: DEFAULT_PAGE_SIZE, sort: null, direction: "ASC", filters: {} };
const FILTER_PREFIX = "f.";

/** The view a query string describes; unknown or malformed values fall back to defaults. */
export function readView(params: URLSearchParams): TableView {
  const page = Number(params.get("page"));
  const size = Number(params.get("size"));
  const filters: Record<string, string> = {};
  for (const [key, value] of params) {
    if (key.startsWith(FILTER_PREFIX) && key.length > FILTER_PREFIX.length)
      filters[key.slice(FILTER_PREFIX.length)] = value;
  }
  return {
    page: Number.isInteger(page) && page >= 1 ? page : 1,
    size: (PAGE_SIZES as readonly number[]).includes(size) ? size : DEFAULT_PAGE_SIZE,
    sort: params.get("sort") || null,
    direction: params.get("dir") === "DESC" ? "DESC" : "ASC",
    filters,
  };
}

/** The query string for a view, leaving out defaults so links stay short. */
export function writeView(view: TableView): URLSearchParams {
  const params = new URLSearchParams();
  if (view.page !== 1) params.set("page", String(view.page));
  if (view.size !== DEFAULT_PAGE_SIZE) params.set("size", String(view.size));
  if (view.sort) {
    params.set("sort", view.sort);
    if (view.direction === "DESC") params.set("dir", "DESC");
  }
  for (const [column, value] of Object.entries(view.filters)) params.set(FILTER_PREFIX + column, value);
  return params;
}

/** The next sort after clicking a column header: ascending, then descending, then none. */
export function nextSort(view: TableView, column: string): Pick<TableView, "sort" | "direction"> {
  if (view.sort !== column) return { sort: column, direction: "ASC" };
  if (view.direction === "ASC") return { sort: column, direction: "DESC" };
  return { sort: null, direction: "ASC" };
}
