import { Alert, Button, Empty, Input, Table, TableCell, TableRow, Typography } from "@databricks/design-system";
import { useCallback, useEffect, useState } from "react";
import { api, call, type Schemas } from "../api/client";
import { ErrorAlert } from "../components/ErrorAlert";
import { HeaderRow } from "../components/HeaderRow";
import { Field } from "../components/Field";
import { JsonEditor } from "../components/JsonEditor";
import { LabeledSelect } from "../components/LabeledSelect";
import { Section } from "../components/Section";
import { exampleInput, validateInput } from "../validation";

type Endpoint = Schemas["ModelEndpoint"];

function jsonProblem(text: string): string | null {
  try {
    JSON.parse(text);
    return null;
  } catch (error) {
    return `Not valid JSON: ${(error as Error).message}`;
  }
}

function History({ rows }: { rows: Schemas["InferenceLogEntry"][] }) {
  if (rows.length === 0) return <Empty description="No invocations yet. Choose an endpoint and invoke it." />;
  return (
    <div className="data-scroll">
      <Table aria-label="Your recent invocations">
        <HeaderRow names={["When", "Endpoint", "Status", "Time (ms)", "Result"]} idPrefix="serving.history" />
        {rows.map((row) => (
          <TableRow key={row.request_id}>
            <TableCell>{new Date(row.created_at).toLocaleString()}</TableCell>
            <TableCell>{row.endpoint_name}</TableCell>
            <TableCell>{row.status}</TableCell>
            <TableCell>{row.execution_time_ms.toFixed(1)}</TableCell>
            <TableCell>{row.error_message ?? JSON.stringify(row.predictions)}</TableCell>
          </TableRow>
        ))}
      </Table>
    </div>
  );
}

export default function ModelServing() {
  const [endpoints, setEndpoints] = useState<Endpoint[] | null>(null);
  const [selected, setSelected] = useState<Endpoint | null>(null);
  const [input, setInput] = useState("");
  const [timeout, setTimeoutSeconds] = useState("30");
  const [inputError, setInputError] = useState<string | null>(null);
  const [result, setResult] = useState<Schemas["ModelInferenceResponse"] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [history, setHistory] = useState<Schemas["InferenceLogEntry"][]>([]);

  const loadHistory = useCallback(() => {
    call(api.GET("/api/model-serving/history", { params: { query: { limit: 10 } } })).then(setHistory).catch(setError);
  }, []);
  useEffect(() => {
    call(api.GET("/api/model-serving/endpoints")).then(setEndpoints).catch(setError);
    loadHistory();
  }, [loadHistory]);

  const choose = (name: string) => {
    setResult(null);
    setInputError(null);
    setError(null);
    call(api.GET("/api/model-serving/endpoints/{name}", { params: { path: { name } } }))
      .then((endpoint) => {
        setSelected(endpoint);
        setInput(JSON.stringify(exampleInput(endpoint.task, endpoint.input_schema), null, 2));
      })
      .catch(setError);
  };

  const timeoutNumber = Number(timeout);
  const timeoutError = Number.isInteger(timeoutNumber) && timeoutNumber >= 1 && timeoutNumber <= 300 ? null : "Timeout must be a whole number from 1 to 300.";
  const ready = selected?.state === "READY";

  const invoke = () => {
    if (!selected) return;
    const problem = selected.task ? jsonProblem(input) : validateInput(input, selected.input_schema);
    setInputError(problem);
    if (problem || timeoutError) return;
    setBusy(true);
    setError(null);
    call(api.POST("/api/model-serving/invoke", { body: { endpoint_name: selected.endpoint_name, inputs: JSON.parse(input), timeout_seconds: timeoutNumber } }))
      .then(setResult)
      .catch((err: unknown) => {
        setResult(null);
        setError(err);
      })
      .finally(() => {
        setBusy(false);
        loadHistory();
      });
  };

  return (
    <Section title="Model Serving" intro="Invoke a serving endpoint with JSON input checked against its schema first.">
      <ErrorAlert componentId="serving.error" error={error} />
      {endpoints && endpoints.length === 0 ? (
        <Alert
          componentId="serving.none"
          type="info"
          closable={false}
          message="No serving endpoint is configured."
          description="Locally, add an entry to config/serving_endpoints.json pointing at an MLflow model folder; on Databricks, grant the app CAN_QUERY on an endpoint (databricks.yml)."
        />
      ) : null}
      <div style={{ maxWidth: 420 }}>
        <LabeledSelect
          id="serving-endpoint"
          label="Endpoint"
          value={selected?.endpoint_name ?? ""}
          placeholder="Choose an endpoint"
          options={(endpoints ?? []).map((e) => ({ value: e.endpoint_name, label: `${e.endpoint_name} (${e.state})` }))}
          onChange={choose}
        />
      </div>
      {selected ? (
        <div style={{ display: "grid", gap: 12, maxWidth: 720 }}>
          <Typography.Text color="secondary">
            {selected.description ?? ""} Model {selected.model_name ?? "?"} version {selected.model_version ?? "?"}.
          </Typography.Text>
          {!ready ? (
            <Alert componentId="serving.not-ready" type="warning" closable={false} message={`${selected.endpoint_name} is ${selected.state}`} description="Only READY endpoints can be invoked. Wait for the update to finish, then reload." />
          ) : null}
          <JsonEditor
            id="serving-input"
            label="Input (JSON)"
            hint={
              selected.task
                ? `The endpoint's own ${selected.task} request body, sent as is (streamed chat: the Chat section).`
                : "One record, a list of records, or dataframe_split / dataframe_records / instances / inputs."
            }
            rows={8}
            value={input}
            invalid={Boolean(inputError)}
            describedBy={inputError ? "serving-input-error" : undefined}
            onChange={(text) => {
              setInput(text);
              setInputError(null);
            }}
          />
          {inputError ? (
            <div id="serving-input-error">
              <Alert componentId="serving.input-error" type="error" closable={false} message="The input does not match the endpoint's schema" description={inputError} />
            </div>
          ) : null}
          <div style={{ display: "flex", gap: 12, alignItems: "flex-end" }}>
            <Field id="serving-timeout" label="Timeout (seconds)" hint={timeoutError ?? "1 to 300"}>
              <Input id="serving-timeout" componentId="serving.timeout" type="number" min={1} max={300} value={timeout} onChange={(event) => setTimeoutSeconds(event.target.value)} />
            </Field>
            <Button componentId="serving.invoke" type="primary" disabled={!ready || busy} loading={busy} onClick={invoke}>
              Invoke
            </Button>
          </div>
          {result ? (
            <div aria-live="polite" style={{ display: "grid", gap: 4 }}>
              <Typography.Title level={2}>Predictions</Typography.Title>
              <pre className="json-editor" aria-label="Predictions">{JSON.stringify(result.predictions, null, 2)}</pre>
              <Typography.Text color="secondary">
                {result.status} in {result.execution_time_ms.toFixed(1)} ms · request id {result.request_id}
              </Typography.Text>
            </div>
          ) : null}
        </div>
      ) : null}
      <div>
        <Typography.Title level={2}>Your recent invocations</Typography.Title>
        <History rows={history} />
      </div>
    </Section>
  );
}
