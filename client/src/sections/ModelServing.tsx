import { Alert, Button, Input, Typography } from "@databricks/design-system";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { api, call, type Schemas } from "../api/client";
import { DataGrid } from "../components/DataGrid";
import { ErrorAlert } from "../components/ErrorAlert";
import { Field } from "../components/Field";
import { JsonEditor } from "../components/JsonEditor";
import { LabeledSelect } from "../components/LabeledSelect";
import { QueryState } from "../components/QueryState";
import { Section } from "../components/Section";
import { endpointInputError, exampleInput, timeoutError } from "../validation";

type Endpoint = Schemas["ModelEndpoint"];
const POLL_MS = 3000;
const HISTORY_COLUMNS = [
  { name: "When", data_type: "TIMESTAMP" },
  { name: "Endpoint", data_type: "STRING" },
  { name: "Status", data_type: "STRING" },
  { name: "Time (ms)", data_type: "DOUBLE" },
  { name: "Result", data_type: "STRING" },
];

function History() {
  const history = useQuery({
    queryKey: ["serving", "history"],
    queryFn: () => call(api.GET("/api/model-serving/history", { params: { query: { limit: 10 } } })),
  });
  return (
    <div style={{ display: "grid", gap: 8, minWidth: 0 }}>
      <Typography.Title level={2}>Your recent invocations</Typography.Title>
      <QueryState
        query={history}
        componentId="serving.history-error"
        loadingLabel="Loading your invocations"
        empty={(rows) => (rows.length === 0 ? "No invocations yet. Choose an endpoint and invoke it." : null)}
      >
        {(rows) => (
          <DataGrid
            label="Your recent invocations"
            columns={HISTORY_COLUMNS}
            rows={rows.map((row) => ({
              When: new Date(row.created_at).toLocaleString(),
              Endpoint: row.endpoint_name,
              Status: row.status,
              "Time (ms)": Math.round(row.execution_time_ms * 10) / 10,
              Result: row.error_message ?? JSON.stringify(row.predictions),
            }))}
          />
        )}
      </QueryState>
    </div>
  );
}

function Result({ result }: { result: Schemas["ModelInferenceResponse"] }) {
  return (
    <section aria-label="Predictions" style={{ display: "grid", gap: 4, minWidth: 0 }}>
      <pre className="json-editor" style={{ margin: 0, overflowX: "auto" }}>
        {JSON.stringify(result.predictions, null, 2)}
      </pre>
      <Typography.Text color="secondary">
        {result.status} in {result.execution_time_ms.toFixed(1)} ms · request id {result.request_id}
      </Typography.Text>
    </section>
  );
}

function Invoker({ endpoint }: { endpoint: Endpoint }) {
  const client = useQueryClient();
  const [input, setInput] = useState(() => JSON.stringify(exampleInput(endpoint.task, endpoint.input_schema), null, 2));
  const [timeout, setTimeoutSeconds] = useState("30");
  const inputError = useMemo(
    () => endpointInputError(input, endpoint.task, endpoint.input_schema),
    [input, endpoint.task, endpoint.input_schema],
  );
  const timeoutProblem = timeoutError(timeout);
  const invoke = useMutation({
    mutationFn: () =>
      call(
        api.POST("/api/model-serving/invoke", {
          body: { endpoint_name: endpoint.endpoint_name, inputs: JSON.parse(input), timeout_seconds: Number(timeout) },
        }),
      ),
    onSettled: () => client.invalidateQueries({ queryKey: ["serving", "history"] }),
  });
  const ready = endpoint.state === "READY";
  const reason = !ready
    ? `${endpoint.endpoint_name} is ${endpoint.state}; it can be invoked once READY.`
    : (inputError ?? timeoutProblem);
  return (
    <div className="serving-panels">
      <div style={{ display: "grid", gap: 12, alignContent: "start", minWidth: 0 }}>
        <Typography.Title level={2}>Request</Typography.Title>
        <JsonEditor
          id="serving-input"
          label="Input (JSON)"
          hint={
            endpoint.task
              ? `The endpoint's own request body (task ${endpoint.task}).`
              : "One record, a list of records, or dataframe_split / dataframe_records / instances / inputs."
          }
          rows={8}
          value={input}
          invalid={Boolean(inputError)}
          describedBy={inputError ? "serving-input-error" : undefined}
          onChange={setInput}
        />
        <div>
          <Button
            componentId="serving.example"
            onClick={() => setInput(JSON.stringify(exampleInput(endpoint.task, endpoint.input_schema), null, 2))}
          >
            Show example
          </Button>
        </div>
        <div style={{ display: "flex", gap: 12, alignItems: "flex-end", flexWrap: "wrap" }}>
          <Field id="serving-timeout" label="Timeout (seconds)" hint={timeoutProblem ?? "1 to 300"}>
            <Input
              id="serving-timeout"
              componentId="serving.timeout"
              type="number"
              min={1}
              max={300}
              value={timeout}
              aria-invalid={timeoutProblem ? true : undefined}
              onChange={(event) => setTimeoutSeconds(event.target.value)}
            />
          </Field>
          <Button
            componentId="serving.invoke"
            type="primary"
            disabled={Boolean(reason) || invoke.isPending}
            loading={invoke.isPending}
            aria-describedby="serving-invoke-reason"
            onClick={() => invoke.mutate()}
          >
            Invoke
          </Button>
        </div>
        <div id="serving-invoke-reason" aria-live="polite">
          {reason ? (
            <span id="serving-input-error">
              <Typography.Text color={ready ? "error" : "warning"}>{reason}</Typography.Text>
            </span>
          ) : null}
        </div>
      </div>
      <div style={{ display: "grid", gap: 12, alignContent: "start", minWidth: 0 }} aria-live="polite">
        <Typography.Title level={2}>Response</Typography.Title>
        {invoke.isPending ? <Typography.Text color="secondary">Waiting for the endpoint…</Typography.Text> : null}
        {invoke.isError ? (
          <ErrorAlert componentId="serving.invoke-error" error={invoke.error} onRetry={() => invoke.mutate()} />
        ) : null}
        {invoke.isSuccess ? <Result result={invoke.data} /> : null}
        {invoke.isIdle ? (
          <Typography.Text color="secondary">Invoke the endpoint to see its predictions here.</Typography.Text>
        ) : null}
      </div>
    </div>
  );
}

export default function ModelServing() {
  const [name, setName] = useState("");
  const endpoints = useQuery({
    queryKey: ["serving", "endpoints"],
    queryFn: () => call(api.GET("/api/model-serving/endpoints")),
  });
  const endpoint = useQuery({
    queryKey: ["serving", "endpoint", name],
    queryFn: () => call(api.GET("/api/model-serving/endpoints/{name}", { params: { path: { name } } })),
    enabled: Boolean(name),
    // A non-READY endpoint is polled until it is READY.
    refetchInterval: (query) => (query.state.data && query.state.data.state !== "READY" ? POLL_MS : false),
  });
  return (
    <Section
      title="Model Serving"
      intro="Invoke a serving endpoint with JSON input checked against its schema first."
      documentTitle={[name]}
    >
      <QueryState
        query={endpoints}
        componentId="serving.endpoints-error"
        loadingLabel="Loading serving endpoints"
        empty={(list) =>
          list.length === 0 ? (
            <Alert
              componentId="serving.none"
              type="info"
              closable={false}
              message="No serving endpoint is configured."
              description="Locally, add an entry to config/serving_endpoints.json pointing at an MLflow model folder; on Databricks, grant the app CAN_QUERY on an endpoint (databricks.yml)."
            />
          ) : null
        }
      >
        {(list) => (
          <div style={{ maxWidth: 420 }}>
            <LabeledSelect
              id="serving-endpoint"
              label="Endpoint"
              value={name}
              placeholder="Choose an endpoint"
              options={list.map((e) => ({ value: e.endpoint_name, label: `${e.endpoint_name} (${e.state})` }))}
              onChange={setName}
            />
          </div>
        )}
      </QueryState>
      {name ? (
        <QueryState query={endpoint} componentId="serving.endpoint-error" loadingLabel={`Loading ${name}`}>
          {(detail) => (
            <div style={{ display: "grid", gap: 12, minWidth: 0 }}>
              <Typography.Text color="secondary">
                {detail.description ?? ""} Model {detail.model_name ?? "?"} version {detail.model_version ?? "?"} ·
                state {detail.state}.
              </Typography.Text>
              <Invoker key={detail.endpoint_name} endpoint={detail} />
            </div>
          )}
        </QueryState>
      ) : null}
      <History />
    </Section>
  );
}
