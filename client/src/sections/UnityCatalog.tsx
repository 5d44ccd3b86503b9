import { Button, Empty, Spinner, TableSkeleton, Typography } from "@databricks/design-system";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useNavigate, useParams, useSearchParams } from "react-router";
import { api, call, type Schemas } from "../api/client";
import { DataGrid } from "../components/DataGrid";
import { ErrorAlert } from "../components/ErrorAlert";
import { LabeledSelect } from "../components/LabeledSelect";
import { Pager } from "../components/Pager";
import { Section } from "../components/Section";
import { type FilterValue, parseFilterValue } from "../lib/format";
import { nextSort, readView, type TableView, writeView } from "../lib/viewState";

const BASE = "/unity-catalog";
type Selection = { catalog: string; schema: string; table: string };

function pathOf({ catalog, schema, table }: Selection): string {
  return [BASE, ...[catalog, schema, table].filter(Boolean).map(encodeURIComponent)].join("/");
}

function useFavorites() {
  const client = useQueryClient();
  const query = useQuery({
    queryKey: ["preferences", "favorite_tables"],
    queryFn: () => call(api.GET("/api/preferences", { params: { query: { preference_key: "favorite_tables" } } })),
  });
  const tables = (query.data?.[0]?.preference_value as { tables?: unknown } | undefined)?.tables;
  const favorites = Array.isArray(tables) ? tables.map(String) : [];
  const save = useMutation({
    mutationFn: (next: string[]) =>
      call(
        api.POST("/api/preferences", {
          body: { preference_key: "favorite_tables", preference_value: { tables: next } },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ["preferences"] }),
  });
  const toggle = (fullName: string) =>
    save.mutate(favorites.includes(fullName) ? favorites.filter((f) => f !== fullName) : [...favorites, fullName]);
  return {
    favorites,
    toggle,
    error: query.error ?? save.error,
    retry: () => void query.refetch(),
    saving: save.isPending,
  };
}

/** The filters of a view typed for their columns; values that do not fit their column are reported. */
function typedFilters(view: TableView, columns: Schemas["ColumnDefinition"][]) {
  const filters: Record<string, FilterValue> = {};
  const problems: string[] = [];
  for (const [name, text] of Object.entries(view.filters)) {
    const column = columns.find((c) => c.name === name);
    if (!column) {
      problems.push(`There is no column ${name}; its filter is ignored.`);
      continue;
    }
    const parsed = parseFilterValue(text, column.data_type);
    if ("error" in parsed) problems.push(`Filter on ${name} is ignored: ${parsed.error}`);
    else filters[name] = parsed.value;
  }
  return { filters, problems };
}

function Favorites({ favorites, onOpen }: { favorites: string[]; onOpen: (s: Selection) => void }) {
  if (favorites.length === 0) return null;
  return (
    <fieldset className="favorites" aria-label="Favourite tables">
      <legend>Favourites:</legend>
      {favorites.map((f) => {
        const [catalog = "", schema = "", table = ""] = f.split(".");
        return (
          <Button
            key={f}
            componentId="uc.favorite.open"
            size="small"
            onClick={() => onOpen({ catalog, schema, table })}
          >
            {f}
          </Button>
        );
      })}
    </fieldset>
  );
}

type TablePageProps = { sel: Selection; view: TableView; meta: Schemas["DataSource"] | undefined; metaReady: boolean };

function TablePage({ sel, view, meta, metaReady }: TablePageProps) {
  const [, setParams] = useSearchParams();
  const update = (next: Partial<TableView>) => setParams(writeView({ ...view, ...next }));
  const { filters, problems } = typedFilters(view, meta?.columns ?? []);
  const needsTypes = Object.keys(view.filters).length > 0;
  const page = useQuery({
    queryKey: [
      "uc",
      "page",
      sel.catalog,
      sel.schema,
      sel.table,
      view.page,
      view.size,
      view.sort,
      view.direction,
      filters,
    ],
    queryFn: () =>
      call(
        api.POST("/api/unity-catalog/query", {
          body: {
            ...sel,
            limit: view.size,
            offset: (view.page - 1) * view.size,
            order_by: view.sort,
            order_direction: view.direction,
            filters: Object.keys(filters).length ? filters : null,
          },
        }),
      ),
    enabled: !needsTypes || metaReady,
    // Keep the previous page on screen while the next loads, but never another table's rows.
    placeholderData: (previous) =>
      previous?.data_source.table_name === sel.table ? keepPreviousData(previous) : undefined,
  });
  if (page.isError) {
    return <ErrorAlert componentId="uc.page-error" error={page.error} onRetry={() => void page.refetch()} />;
  }
  if (!page.data) return <TableSkeleton lines={Math.min(view.size, 10)} label="Loading rows" />;
  const result = page.data;
  const pastEnd = result.row_count === 0 && result.total_row_count > 0;
  return (
    <div style={{ display: "grid", gap: 12, minWidth: 0 }}>
      {problems.map((problem) => (
        <Typography.Text key={problem} color="warning">
          {problem}
        </Typography.Text>
      ))}
      {result.truncated ? (
        <Typography.Text color="warning">
          The result stops at the row limit: later rows of this table are not paged.
        </Typography.Text>
      ) : null}
      <Pager
        idPrefix="uc"
        page={view.page}
        size={view.size}
        total={result.total_row_count}
        shown={result.row_count}
        onPage={(next) => update({ page: next })}
        onSize={(size) => update({ size, page: 1 })}
      />
      {page.isPlaceholderData ? <Spinner label="Loading the next page" /> : null}
      {pastEnd ? (
        <Empty
          description={`Page ${view.page} is past the last page.`}
          button={
            <Button componentId="uc.to-first" onClick={() => update({ page: 1 })}>
              Go to the first page
            </Button>
          }
        />
      ) : result.total_row_count === 0 && !needsTypes ? (
        <Empty description="This table has no rows." />
      ) : (
        <DataGrid
          label={`Rows of ${result.data_source.full_name}`}
          columns={result.columns}
          rows={result.rows}
          sort={{
            column: view.sort,
            direction: view.direction,
            onSort: (column) => update({ ...nextSort(view, column), page: 1 }),
          }}
          filters={{
            values: view.filters,
            onFilter: (column, text) => {
              const next = { ...view.filters };
              if (text === "") delete next[column];
              else next[column] = text;
              update({ filters: next, page: 1 });
            },
          }}
        />
      )}
    </div>
  );
}

function Pickers({ sel, onChoose }: { sel: Selection; onChoose: (next: Selection) => void }) {
  const catalogs = useQuery({
    queryKey: ["uc", "catalogs"],
    queryFn: () => call(api.GET("/api/unity-catalog/catalogs")),
  });
  const schemas = useQuery({
    queryKey: ["uc", "schemas", sel.catalog],
    queryFn: () => call(api.GET("/api/unity-catalog/schemas", { params: { query: { catalog: sel.catalog } } })),
    enabled: Boolean(sel.catalog),
  });
  const tables = useTables(sel);
  const withCurrent = (names: string[] | undefined, current: string) =>
    (names ?? []).concat(current && names && !names.includes(current) ? [current] : []).map((value) => ({
      value,
      label: names?.includes(value) ? value : `${value} (no access)`,
    }));
  const placeholder = (query: { isLoading: boolean }, text: string) => (query.isLoading ? "Loading…" : text);
  const error = catalogs.error ?? schemas.error ?? tables.error;
  return (
    <>
      <div style={{ display: "flex", gap: 16, flexWrap: "wrap" }}>
        <LabeledSelect
          id="uc-catalog"
          label="Catalog"
          value={sel.catalog}
          options={withCurrent(catalogs.data, sel.catalog)}
          disabled={!catalogs.data}
          placeholder={placeholder(catalogs, "Choose a catalog")}
          onChange={(catalog) => onChoose({ catalog, schema: "", table: "" })}
        />
        <LabeledSelect
          id="uc-schema"
          label="Schema"
          value={sel.schema}
          options={withCurrent(schemas.data, sel.schema)}
          disabled={!schemas.data}
          placeholder={placeholder(schemas, sel.catalog ? "Choose a schema" : "Choose a catalog first")}
          onChange={(schema) => onChoose({ ...sel, schema, table: "" })}
        />
        <LabeledSelect
          id="uc-table"
          label="Table"
          value={sel.table}
          options={withCurrent(
            tables.data?.map((t) => t.table_name),
            sel.table,
          )}
          disabled={!tables.data}
          placeholder={placeholder(tables, sel.schema ? "Choose a table" : "Choose a schema first")}
          onChange={(table) => onChoose({ ...sel, table })}
        />
      </div>
      {schemas.data?.length === 0 ? (
        <Typography.Text color="secondary">You can read no schema in {sel.catalog}.</Typography.Text>
      ) : null}
      {tables.data?.length === 0 ? (
        <Typography.Text color="secondary">
          You can read no table in {sel.catalog}.{sel.schema}.
        </Typography.Text>
      ) : null}
      <ErrorAlert
        componentId="uc.picker-error"
        error={error}
        onRetry={() => {
          for (const query of [catalogs, schemas, tables]) if (query.isError) void query.refetch();
        }}
      />
    </>
  );
}

function useTables(sel: Selection) {
  return useQuery({
    queryKey: ["uc", "tables", sel.catalog, sel.schema],
    queryFn: () =>
      call(api.GET("/api/unity-catalog/tables", { params: { query: { catalog: sel.catalog, schema: sel.schema } } })),
    enabled: Boolean(sel.catalog && sel.schema),
  });
}

function TableHeading({
  sel,
  meta,
  favorites,
}: {
  sel: Selection;
  meta: Schemas["DataSource"] | undefined;
  favorites: ReturnType<typeof useFavorites>;
}) {
  const fullName = `${sel.catalog}.${sel.schema}.${sel.table}`;
  const favourite = favorites.favorites.includes(fullName);
  return (
    <>
      <div style={{ display: "flex", gap: 12, alignItems: "center", flexWrap: "wrap", minWidth: 0 }}>
        <Typography.Title level={2} style={{ margin: 0, overflowWrap: "anywhere" }}>
          {fullName}
        </Typography.Title>
        <Button
          componentId="uc.favorite.toggle"
          aria-pressed={favourite}
          loading={favorites.saving}
          onClick={() => favorites.toggle(fullName)}
        >
          {favourite ? "★ Favourite" : "☆ Add to favourites"}
        </Button>
      </div>
      {meta ? (
        <Typography.Text color="secondary">
          {meta.comment ? `${meta.comment} · ` : ""}
          Owner {meta.owner ?? "unknown"} · {meta.columns.length} columns
        </Typography.Text>
      ) : null}
    </>
  );
}

export default function UnityCatalog() {
  const splat = (useParams()["*"] ?? "").split("/").filter(Boolean);
  const [catalog = "", schema = "", table = ""] = splat;
  const sel: Selection = { catalog, schema, table };
  const [params] = useSearchParams();
  const view = readView(params);
  const navigate = useNavigate();
  const favorites = useFavorites();
  const tables = useTables(sel);
  const meta = tables.data?.find((t) => t.table_name === sel.table);
  const choose = (next: Selection) => navigate(pathOf(next));
  const fullName = table ? `${catalog}.${schema}.${table}` : "";
  return (
    <Section
      title="Unity Catalog"
      intro="Browse the catalogs, schemas and tables you may read; page, sort and filter a table."
      documentTitle={[fullName || [catalog, schema].filter(Boolean).join(".")]}
    >
      <Favorites favorites={favorites.favorites} onOpen={choose} />
      <ErrorAlert componentId="uc.favorites-error" error={favorites.error} onRetry={favorites.retry} />
      <Pickers sel={sel} onChoose={choose} />
      {splat.length > 3 ? (
        <ErrorAlert
          componentId="uc.bad-path"
          error={new Error("This link has more parts than catalog/schema/table.")}
        />
      ) : null}
      {table ? (
        <div style={{ display: "grid", gap: 12, minWidth: 0 }}>
          <TableHeading sel={sel} meta={meta} favorites={favorites} />
          <TablePage key={fullName} sel={sel} view={view} meta={meta} metaReady={!tables.isPending} />
        </div>
      ) : null}
    </Section>
  );
}
