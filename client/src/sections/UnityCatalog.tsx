import {
  Button,
  Empty,
  Table,
  TableCell,
  TableRow,
  TableSkeleton,
  Typography,
} from "@databricks/design-system";
import { useCallback, useEffect, useRef, useState } from "react";
import { api, call, type Schemas } from "../api/client";
import { ErrorAlert } from "../components/ErrorAlert";
import { HeaderRow } from "../components/HeaderRow";
import { LabeledSelect } from "../components/LabeledSelect";
import { Section } from "../components/Section";

const PAGE_SIZES = [10, 25, 50, 100, 500];
type Selection = { catalog: string; schema: string; table: string };
const EMPTY: Selection = { catalog: "", schema: "", table: "" };

function useFavorites(): [string[], (fullName: string) => void] {
  const [favorites, setFavorites] = useState<string[]>([]);
  useEffect(() => {
    call(api.GET("/api/preferences", { params: { query: { preference_key: "favorite_tables" } } }))
      .then((rows) => {
        const tables = (rows[0]?.preference_value as { tables?: unknown } | undefined)?.tables;
        setFavorites(Array.isArray(tables) ? tables.map(String) : []);
      })
      .catch(() => setFavorites([]));
  }, []);
  const toggle = (fullName: string) => {
    const next = favorites.includes(fullName) ? favorites.filter((f) => f !== fullName) : [...favorites, fullName];
    setFavorites(next);
    void call(api.POST("/api/preferences", { body: { preference_key: "favorite_tables", preference_value: { tables: next } } }));
  };
  return [favorites, toggle];
}

function DataPage({ result, loading, pageSize }: { result: Schemas["QueryResult"] | null; loading: boolean; pageSize: number }) {
  if (loading) return <TableSkeleton lines={Math.min(pageSize, 10)} label="Loading rows" />;
  if (!result) return null;
  if (result.total_row_count === 0) return <Empty description="This table has no rows." />;
  return (
    <div className="data-scroll" tabIndex={0} role="region" aria-label="Table rows">
      <Table aria-label={`Rows of ${result.data_source.full_name}`}>
        <HeaderRow names={result.columns.map((c) => c.name)} idPrefix="uc.header" />
        {result.rows.map((row, index) => (
          <TableRow key={index}>
            {result.columns.map((c) => (
              <TableCell key={c.name}>{row[c.name] === null ? "NULL" : String(row[c.name])}</TableCell>
            ))}
          </TableRow>
        ))}
      </Table>
    </div>
  );
}

export default function UnityCatalog() {
  const [catalogs, setCatalogs] = useState<string[]>([]);
  const [schemas, setSchemas] = useState<string[]>([]);
  const [tables, setTables] = useState<Schemas["DataSource"][]>([]);
  const [sel, setSel] = useState<Selection>(EMPTY);
  const [pageSize, setPageSize] = useState(25);
  const [offset, setOffset] = useState(0);
  const [result, setResult] = useState<Schemas["QueryResult"] | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [favorites, toggleFavorite] = useFavorites();
  // The result the pages of this table are read from; a new table starts a new one.
  const queryId = useRef<string | undefined>(undefined);

  useEffect(() => {
    call(api.GET("/api/unity-catalog/catalogs")).then(setCatalogs).catch(setError);
  }, []);
  useEffect(() => {
    setSchemas([]);
    if (!sel.catalog) return;
    call(api.GET("/api/unity-catalog/schemas", { params: { query: { catalog: sel.catalog } } })).then(setSchemas).catch(setError);
  }, [sel.catalog]);
  useEffect(() => {
    setTables([]);
    if (!sel.catalog || !sel.schema) return;
    call(api.GET("/api/unity-catalog/tables", { params: { query: { catalog: sel.catalog, schema: sel.schema } } }))
      .then(setTables)
      .catch(setError);
  }, [sel.catalog, sel.schema]);

  const load = useCallback(() => {
    if (!sel.table) return;
    setLoading(true);
    setError(null);
    const body = { catalog: sel.catalog, schema: sel.schema, table: sel.table, limit: pageSize, offset, order_direction: "ASC" as const, query_id: queryId.current };
    call(api.POST("/api/unity-catalog/query", { body }))
      .then((page) => {
        queryId.current = page.query_id;
        setResult(page);
      })
      .catch((err: unknown) => {
        setResult(null);
        setError(err);
      })
      .finally(() => setLoading(false));
  }, [sel, pageSize, offset]);
  useEffect(load, [load]);

  const choose = (next: Selection) => {
    queryId.current = undefined;
    setSel(next);
    setOffset(0);
    setResult(null);
  };
  const fullName = sel.table ? `${sel.catalog}.${sel.schema}.${sel.table}` : "";
  const meta = tables.find((t) => t.table_name === sel.table);
  const total = result?.total_row_count ?? 0;
  const first = total === 0 ? 0 : offset + 1;
  const last = Math.min(offset + (result?.row_count ?? 0), total);

  return (
    <Section title="Unity Catalog" intro="Browse the catalogs, schemas and tables you may read, and page through a table.">
      {favorites.length > 0 ? (
        <div aria-label="Favourite tables" role="group" style={{ display: "flex", gap: 8, flexWrap: "wrap", alignItems: "center" }}>
          <Typography.Text bold>Favourites:</Typography.Text>
          {favorites.map((f) => {
            const [catalog, schema, table] = f.split(".");
            return (
              <Button key={f} componentId="uc.favorite.open" size="small" onClick={() => choose({ catalog, schema, table })}>
                {f}
              </Button>
            );
          })}
        </div>
      ) : null}
      <div style={{ display: "flex", gap: 16, flexWrap: "wrap" }}>
        <LabeledSelect id="uc-catalog" label="Catalog" value={sel.catalog} options={catalogs.map((value) => ({ value }))} placeholder="Choose a catalog" onChange={(catalog) => choose({ ...EMPTY, catalog })} />
        <LabeledSelect id="uc-schema" label="Schema" value={sel.schema} options={schemas.map((value) => ({ value }))} disabled={schemas.length === 0} placeholder={sel.catalog ? "Choose a schema" : "Choose a catalog first"} onChange={(schema) => choose({ ...sel, schema, table: "" })} />
        <LabeledSelect id="uc-table" label="Table" value={sel.table} options={tables.map((t) => ({ value: t.table_name }))} disabled={tables.length === 0} placeholder={sel.schema ? "Choose a table" : "Choose a schema first"} onChange={(table) => choose({ ...sel, table })} />
      </div>
      <ErrorAlert componentId="uc.error" error={error} />
      {sel.table ? (
        <div style={{ display: "grid", gap: 12 }}>
          <div style={{ display: "flex", gap: 12, alignItems: "center", flexWrap: "wrap" }}>
            <Typography.Title level={2} style={{ margin: 0 }}>
              {fullName}
            </Typography.Title>
            <Button componentId="uc.favorite.toggle" aria-pressed={favorites.includes(fullName)} onClick={() => toggleFavorite(fullName)}>
              {favorites.includes(fullName) ? "★ Favourite" : "☆ Add to favourites"}
            </Button>
          </div>
          {meta ? (
            <Typography.Text color="secondary">
              {meta.comment ? `${meta.comment} · ` : ""}
              Owner {meta.owner} · {meta.columns.map((c) => `${c.name} ${c.data_type}`).join(", ")}
            </Typography.Text>
          ) : null}
          <div style={{ display: "flex", gap: 12, alignItems: "flex-end", flexWrap: "wrap" }}>
            <LabeledSelect
              id="uc-page-size"
              label="Rows per page"
              value={String(pageSize)}
              options={PAGE_SIZES.map((size) => ({ value: String(size) }))}
              onChange={(size) => {
                setPageSize(Number(size));
                setOffset(0);
              }}
            />
            <Button componentId="uc.previous" disabled={loading || offset === 0} onClick={() => setOffset(Math.max(0, offset - pageSize))}>
              Previous
            </Button>
            <Button componentId="uc.next" disabled={loading || offset + pageSize >= total} onClick={() => setOffset(offset + pageSize)}>
              Next
            </Button>
            <Typography.Text aria-live="polite">{result ? `Rows ${first}–${last} of ${total}${result.truncated ? " (the result stops at the row limit)" : ""}` : ""}</Typography.Text>
          </div>
          <DataPage result={result} loading={loading} pageSize={pageSize} />
        </div>
      ) : null}
    </Section>
  );
}
