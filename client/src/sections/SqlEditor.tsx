import { Button, Input, Typography } from "@databricks/design-system";
import { type KeyboardEvent, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { api, call, type Schemas } from "../api/client";
import { DataGrid } from "../components/DataGrid";
import { ErrorAlert } from "../components/ErrorAlert";
import { Field } from "../components/Field";
import { LabeledSelect } from "../components/LabeledSelect";
import { ResultChart } from "../components/ResultChart";
import { Section } from "../components/Section";
import { type ChartKind, defaultAxes } from "../sqlChart";

type Result = Schemas["StatementResult"];
const PAGE = 100;
const KINDS: ChartKind[] = ["bar", "line", "area", "scatter", "histogram"];
const START =
  "SELECT status, count(*) AS orders, round(sum(amount), 2) AS revenue\nFROM main.samples.orders\nGROUP BY status\nORDER BY orders DESC";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function ResultTable({ result, rows }: { result: Result; rows: unknown[][] }) {
  const columns = useMemo(
    () => result.columns.map((c, i) => ({ key: String(i), name: c.name, data_type: c.type_text })),
    [result.columns],
  );
  const records = useMemo(
    () => rows.map((row) => Object.fromEntries(row.map((value, i) => [String(i), value]))),
    [rows],
  );
  return <DataGrid label="Statement result rows" columns={columns} rows={records} />;
}

export default function SqlEditor() {
  const [text, setText] = useState(() => new URLSearchParams(window.location.search).get("q") ?? START);
  const [result, setResult] = useState<Result | null>(null);
  const [rows, setRows] = useState<unknown[][]>([]);
  const [offset, setOffset] = useState(0);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [kind, setKind] = useState<ChartKind>("bar");
  const [axes, setAxes] = useState({ x: "", y: "" });
  const [name, setName] = useState("");
  const [saved, setSaved] = useState<Schemas["SavedQuery"][]>([]);
  const [history, setHistory] = useState<Schemas["QueryHistoryEntry"][]>([]);
  const runId = useRef(0);

  const loadLists = useCallback(() => {
    call(api.GET("/api/sql/queries")).then(setSaved).catch(setError);
    call(api.GET("/api/sql/history")).then(setHistory).catch(setError);
  }, []);
  useEffect(loadLists, [loadLists]);

  const show = (next: Result) => {
    setResult(next);
    setRows(next.rows);
    setOffset(0);
    if (next.status === "SUCCEEDED")
      setAxes((old) => (next.columns.some((c) => c.name === old.x) ? old : defaultAxes(next.columns)));
  };

  const run = async () => {
    const mine = ++runId.current;
    setRunning(true);
    setError(null);
    try {
      let next = await call(
        api.POST("/api/sql/statements", {
          body: {
            statement: text,
            parameters: [],
            row_limit: 10_000,
            timeout_seconds: 120,
            page_size: PAGE,
            wait_timeout_seconds: 5,
          },
        }),
      );
      while (next.status === "RUNNING" || next.status === "PENDING") {
        if (mine !== runId.current) return;
        setResult(next);
        await sleep(500);
        next = await call(
          api.GET("/api/sql/statements/{statement_id}", {
            params: { path: { statement_id: next.statement_id }, query: { page_size: PAGE } },
          }),
        );
      }
      if (mine === runId.current) show(next);
    } catch (cause) {
      if (mine === runId.current) setError(cause);
    } finally {
      if (mine === runId.current) setRunning(false);
      loadLists();
    }
  };

  const cancel = () => {
    if (!result) return;
    runId.current += 1;
    call(
      api.POST("/api/sql/statements/{statement_id}/cancel", {
        params: { path: { statement_id: result.statement_id } },
      }),
    )
      .then(show)
      .catch(setError)
      .finally(() => setRunning(false));
  };

  const page = (nextOffset: number) => {
    if (!result) return;
    call(
      api.GET("/api/sql/statements/{statement_id}/rows", {
        params: { path: { statement_id: result.statement_id }, query: { offset: nextOffset, limit: PAGE } },
      }),
    )
      .then((next) => {
        setRows(next.rows);
        setOffset(next.offset);
      })
      .catch(setError);
  };

  const save = () => {
    const chart = { kind, x_column: axes.x || null, y_columns: axes.y ? [axes.y] : [], bins: 20 };
    call(api.POST("/api/sql/queries", { body: { name, query_text: text, chart } }))
      .then(loadLists)
      .catch(setError);
  };

  const open = (query: Schemas["SavedQuery"]) => {
    setText(query.query_text);
    setName(query.name);
    if (query.chart) {
      setKind(query.chart.kind ?? "bar");
      setAxes({ x: query.chart.x_column ?? "", y: query.chart.y_columns?.[0] ?? "" });
    }
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      event.preventDefault();
      if (!running) void run();
    } else if (event.key === "Escape" && running) {
      cancel();
    }
  };

  const succeeded = result?.status === "SUCCEEDED";
  const total = result?.total_row_count ?? 0;
  const columnOptions = (result?.columns ?? []).map((c) => ({ value: c.name }));
  return (
    <Section
      title="SQL editor"
      intro="Run one read-only statement in Databricks SQL, as you, on the tables you may read."
    >
      {/* biome-ignore lint/a11y/noStaticElementInteractions: the shortcuts (Ctrl+Enter runs, Escape cancels) bubble up from the focusable editor and buttons inside */}
      <div onKeyDown={onKeyDown} style={{ display: "grid", gap: 12 }}>
        <Field
          id="sql-text"
          label="SQL statement"
          hint="Ctrl+Enter (⌘+Enter) runs it; Escape cancels a running statement."
        >
          <Input.TextArea
            id="sql-text"
            componentId="sql.text"
            className="json-editor"
            rows={8}
            value={text}
            spellCheck={false}
            onChange={(e) => setText(e.target.value)}
          />
        </Field>
        <div style={{ display: "flex", gap: 8, flexWrap: "wrap" }}>
          <Button
            componentId="sql.run"
            type="primary"
            loading={running}
            disabled={running || !text.trim()}
            onClick={() => void run()}
          >
            Run
          </Button>
          <Button componentId="sql.cancel" disabled={!running} onClick={cancel}>
            Cancel
          </Button>
          {succeeded ? (
            <a href={`/api/sql/statements/${result.statement_id}/export?format=csv`} download>
              Export CSV
            </a>
          ) : null}
        </div>
      </div>
      <ErrorAlert componentId="sql.error" error={error} />
      <div aria-live="polite">
        {result ? (
          <Typography.Text>
            {result.status}
            {succeeded
              ? ` · ${total} rows${result.truncated ? " (truncated)" : ""} · ${result.execution_time_ms ?? 0} ms`
              : ""}
            {result.error ? ` · ${result.error.message}` : ""}
          </Typography.Text>
        ) : null}
      </div>
      {succeeded ? (
        <>
          <ResultTable result={result} rows={rows} />
          <div style={{ display: "flex", gap: 8, alignItems: "center" }}>
            <Button componentId="sql.prev" disabled={offset === 0} onClick={() => page(Math.max(0, offset - PAGE))}>
              Previous
            </Button>
            <Typography.Text>
              Rows {total === 0 ? 0 : offset + 1}–{Math.min(offset + PAGE, total)} of {total}
            </Typography.Text>
            <Button componentId="sql.next" disabled={offset + PAGE >= total} onClick={() => page(offset + PAGE)}>
              Next
            </Button>
          </div>
          <Typography.Title level={2}>Chart</Typography.Title>
          <div style={{ display: "flex", gap: 12, flexWrap: "wrap" }}>
            <LabeledSelect
              id="sql-chart-kind"
              label="Chart type"
              value={kind}
              options={KINDS.map((value) => ({ value }))}
              onChange={(v) => setKind(v as ChartKind)}
            />
            {kind !== "histogram" ? (
              <LabeledSelect
                id="sql-chart-x"
                label="X axis"
                value={axes.x}
                options={columnOptions}
                onChange={(x) => setAxes({ ...axes, x })}
              />
            ) : null}
            <LabeledSelect
              id="sql-chart-y"
              label={kind === "histogram" ? "Values" : "Y axis"}
              value={axes.y}
              options={columnOptions}
              onChange={(y) => setAxes({ ...axes, y })}
            />
          </div>
          <ResultChart kind={kind} columns={result.columns} rows={rows} x={axes.x} y={axes.y} />
        </>
      ) : null}
      <Typography.Title level={2}>Saved queries</Typography.Title>
      <div style={{ display: "flex", gap: 8, alignItems: "end", flexWrap: "wrap" }}>
        <Field id="sql-name" label="Name">
          <Input
            id="sql-name"
            componentId="sql.name"
            value={name}
            maxLength={200}
            onChange={(e) => setName(e.target.value)}
          />
        </Field>
        <Button componentId="sql.save" disabled={!name.trim() || !text.trim()} onClick={save}>
          Save query
        </Button>
      </div>
      <ul aria-label="Saved queries">
        {saved.map((q) => (
          <li key={q.id} style={{ display: "flex", gap: 8, alignItems: "center", marginBottom: 4 }}>
            <Typography.Text>{q.name}</Typography.Text>
            <Button componentId="sql.open" size="small" aria-label={`Open ${q.name}`} onClick={() => open(q)}>
              Open
            </Button>
            <Button
              componentId="sql.delete"
              size="small"
              aria-label={`Delete ${q.name}`}
              onClick={() =>
                call(api.DELETE("/api/sql/queries/{query_id}", { params: { path: { query_id: q.id } } }))
                  .then(loadLists)
                  .catch(setError)
              }
            >
              Delete
            </Button>
          </li>
        ))}
      </ul>
      <Typography.Title level={2}>History</Typography.Title>
      <ul aria-label="Recent statements">
        {history.slice(0, 10).map((h) => (
          <li key={h.id} style={{ display: "flex", gap: 8, alignItems: "center", marginBottom: 4 }}>
            <Typography.Text color="secondary">{h.status}</Typography.Text>
            <code style={{ maxWidth: 480, overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" }}>
              {h.query_text}
            </code>
            <Button
              componentId="sql.reuse"
              size="small"
              aria-label={`Edit statement from ${new Date(h.created_at).toLocaleString()}`}
              onClick={() => setText(h.query_text)}
            >
              Edit
            </Button>
          </li>
        ))}
      </ul>
    </Section>
  );
}
