import { Typography, useDesignSystemTheme } from "@databricks/design-system";
import { useVirtualizer } from "@tanstack/react-virtual";
import { type KeyboardEvent, useMemo, useRef, useState } from "react";
import { columnWidth, formatCell, isNumericType, parseFilterValue } from "../lib/format";
import type { SortDirection } from "../lib/viewState";

/** `key` finds the column's value in a row (default: `name`; a statement may repeat a name). */
export type GridColumn = { name: string; data_type: string; key?: string };

const keyOf = (c: GridColumn) => c.key ?? c.name;
type Sort = { column: string | null; direction: SortDirection; onSort: (column: string) => void };
type Filters = { values: Record<string, string>; onFilter: (column: string, text: string) => void };

type DataGridProps = {
  label: string;
  columns: GridColumn[];
  rows: Record<string, unknown>[];
  sort?: Sort;
  filters?: Filters;
};

const ROW_HEIGHT = 31;

function FilterInput({
  column,
  value,
  onCommit,
}: {
  column: GridColumn;
  value: string;
  onCommit: (text: string) => void;
}) {
  const { theme } = useDesignSystemTheme();
  const [draft, setDraft] = useState(value);
  const [seen, setSeen] = useState(value);
  if (seen !== value) {
    setSeen(value);
    setDraft(value);
  }
  const problem = draft.trim() === "" ? null : "error" in parseFilterValue(draft, column.data_type);
  const commit = () => {
    if (!problem && draft !== value) onCommit(draft.trim());
  };
  return (
    <input
      className="grid-filter"
      aria-label={`Filter ${column.name}`}
      aria-invalid={problem ? true : undefined}
      title={problem ? `Not a valid ${column.data_type} value` : "Equals; NULL matches empty values. Press Enter."}
      placeholder="Filter"
      value={draft}
      style={{
        background: theme.colors.backgroundPrimary,
        color: theme.colors.textPrimary,
        border: `1px solid ${problem ? theme.colors.actionDangerPrimaryBackgroundDefault : theme.colors.actionDefaultBorderDefault}`,
      }}
      onChange={(event) => setDraft(event.target.value)}
      onBlur={commit}
      onKeyDown={(event: KeyboardEvent<HTMLInputElement>) => {
        if (event.key === "Enter") commit();
      }}
    />
  );
}

function SortHeader({ column, sort }: { column: GridColumn; sort: Sort }) {
  const active = sort.column === column.name;
  const arrow = active ? (sort.direction === "ASC" ? "▲" : "▼") : "";
  return (
    <button
      type="button"
      className="grid-sort"
      title={`Sort by ${column.name}`}
      onClick={() => sort.onSort(column.name)}
    >
      <span style={{ overflow: "hidden", textOverflow: "ellipsis" }}>{column.name}</span>
      <span aria-hidden="true">{arrow}</span>
    </button>
  );
}

function ariaSort(sort: Sort | undefined, column: string): "ascending" | "descending" | "none" | undefined {
  if (!sort) return undefined;
  if (sort.column !== column) return "none";
  return sort.direction === "ASC" ? "ascending" : "descending";
}

/**
 * A data grid: a native table sized to its content, scrolling both ways in its own box with a
 * sticky header; numbers right-aligned and grouped; optional sort and per-column filters.
 * Rows are virtualised, so a 500-row page renders only what is on screen.
 */
export function DataGrid({ label, columns, rows, sort, filters }: DataGridProps) {
  const { theme } = useDesignSystemTheme();
  const scroller = useRef<HTMLElement>(null);
  const layout = useMemo(() => {
    const numeric = columns.map((c) => isNumericType(c.data_type));
    const cells = rows.map((row) => columns.map((c, i) => formatCell(row[keyOf(c)], numeric[i])));
    const widths = columns.map((c, i) =>
      columnWidth(
        c.name,
        cells.map((r) => r[i]),
      ),
    );
    return { numeric, cells, widths };
  }, [columns, rows]);
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    initialRect: { width: 1200, height: 700 },
  });
  const items = virtual.getVirtualItems();
  const before = items.length ? items[0].start : 0;
  const after = items.length ? virtual.getTotalSize() - items[items.length - 1].end : 0;
  const headStyle = { background: theme.colors.backgroundSecondary, borderBottom: `1px solid ${theme.colors.border}` };
  const cellBorder = `1px solid ${theme.colors.borderDecorative}`;
  return (
    <section
      ref={scroller}
      className="grid-scroll"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
      tabIndex={0}
      aria-label={label}
      style={{ border: `1px solid ${theme.colors.border}` }}
    >
      <table
        className="grid"
        aria-label={label}
        aria-rowcount={rows.length + 1}
        style={{ color: theme.colors.textPrimary }}
      >
        <colgroup>
          {layout.widths.map((width, i) => (
            <col key={keyOf(columns[i])} style={{ width: `${width}ch` }} />
          ))}
        </colgroup>
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th
                key={keyOf(c)}
                scope="col"
                className={layout.numeric[i] ? "num" : undefined}
                aria-sort={ariaSort(sort, c.name)}
                style={headStyle}
              >
                {sort ? <SortHeader column={c} sort={sort} /> : c.name}
                {filters ? (
                  <FilterInput
                    column={c}
                    value={filters.values[c.name] ?? ""}
                    onCommit={(text) => filters.onFilter(c.name, text)}
                  />
                ) : null}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {before > 0 ? <tr style={{ height: before }} /> : null}
          {items.map((item) => (
            <tr key={item.index} aria-rowindex={item.index + 2} style={{ height: ROW_HEIGHT }}>
              {layout.cells[item.index].map((text, i) => {
                const isNull = rows[item.index][keyOf(columns[i])] === null;
                const classes = [layout.numeric[i] ? "num" : "", isNull ? "null" : ""].join(" ").trim();
                return (
                  <td
                    key={keyOf(columns[i])}
                    className={classes || undefined}
                    title={text.length > layout.widths[i] - 2 ? text : undefined}
                    style={{ borderBottom: cellBorder, color: isNull ? theme.colors.textSecondary : undefined }}
                  >
                    {text}
                  </td>
                );
              })}
            </tr>
          ))}
          {after > 0 ? <tr style={{ height: after }} /> : null}
        </tbody>
      </table>
      {rows.length === 0 ? (
        <div style={{ padding: 12 }}>
          <Typography.Text color="secondary">No rows match.</Typography.Text>
        </div>
      ) : null}
    </section>
  );
}
