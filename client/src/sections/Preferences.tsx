import {
  Alert,
  Button,
  DangerModal,
  SegmentedControlButton,
  SegmentedControlGroup,
  Typography,
} from "@databricks/design-system";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, call, type Schemas } from "../api/client";
import { ErrorAlert } from "../components/ErrorAlert";
import { JsonEditor } from "../components/JsonEditor";
import { LabeledSelect } from "../components/LabeledSelect";
import { QueryState } from "../components/QueryState";
import { Section } from "../components/Section";
import { jsonObjectError } from "../lib/jsonValue";
import { THEME_MODES, type ThemeMode, useTheme } from "../theme";

type Key = Schemas["PreferenceUpsert"]["preference_key"];
const KEYS: Key[] = ["theme", "dashboard_layout", "favorite_tables"];
const EXAMPLES: Record<Key, unknown> = {
  theme: { mode: "dark" },
  dashboard_layout: { columns: 2 },
  favorite_tables: { tables: ["main.samples.orders"] },
};
const LABELS: Record<ThemeMode, string> = { light: "Light", dark: "Dark", system: "System" };

function ThemeControl() {
  const theme = useTheme();
  const [error, setError] = useState<unknown>(null);
  const choose = (mode: ThemeMode) => {
    setError(null);
    theme.setMode(mode).catch(setError);
  };
  return (
    <fieldset className="plain-fieldset">
      <legend>
        <Typography.Title level={2}>Theme</Typography.Title>
      </legend>
      <div>
        <SegmentedControlGroup
          name="theme-mode"
          componentId="prefs.theme"
          value={theme.mode}
          onChange={(event) => choose(event.target.value as ThemeMode)}
        >
          {THEME_MODES.map((mode) => (
            <SegmentedControlButton key={mode} value={mode}>
              {LABELS[mode]}
            </SegmentedControlButton>
          ))}
        </SegmentedControlGroup>
      </div>
      <ErrorAlert componentId="prefs.theme-error" error={error} onRetry={() => choose(theme.mode)} />
    </fieldset>
  );
}

type Row = Schemas["UserPreference"];

function PreferenceTable({
  rows,
  onEdit,
  onDelete,
}: {
  rows: Row[];
  onEdit: (row: Row) => void;
  onDelete: (key: string) => void;
}) {
  return (
    <div className="data-scroll">
      <table className="grid" aria-label="Your preferences" style={{ tableLayout: "auto" }}>
        <thead>
          <tr>
            {["Key", "Value", "Updated", "Actions"].map((name) => (
              <th key={name} scope="col">
                {name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.preference_key}>
              <td>{row.preference_key}</td>
              <td style={{ whiteSpace: "normal", overflowWrap: "anywhere", minWidth: 160 }}>
                <code>{JSON.stringify(row.preference_value)}</code>
              </td>
              <td>{new Date(row.updated_at).toLocaleString()}</td>
              <td>
                <div style={{ display: "flex", gap: 8 }}>
                  <Button
                    componentId="prefs.edit"
                    size="small"
                    aria-label={`Edit ${row.preference_key}`}
                    onClick={() => onEdit(row)}
                  >
                    Edit
                  </Button>
                  <Button
                    componentId="prefs.delete"
                    size="small"
                    danger
                    aria-label={`Delete ${row.preference_key}`}
                    onClick={() => onDelete(row.preference_key)}
                  >
                    Delete
                  </Button>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default function Preferences() {
  const client = useQueryClient();
  const [key, setKey] = useState<Key>("theme");
  const [text, setText] = useState(JSON.stringify(EXAMPLES.theme, null, 2));
  const [notice, setNotice] = useState<string | null>(null);
  const [pendingDelete, setPendingDelete] = useState<string | null>(null);
  const valueError = jsonObjectError(text);
  const rows = useQuery({ queryKey: ["preferences", "all"], queryFn: () => call(api.GET("/api/preferences")) });
  const refresh = () => client.invalidateQueries({ queryKey: ["preferences"] });
  const save = useMutation({
    mutationFn: (body: Schemas["PreferenceUpsert"]) => call(api.POST("/api/preferences", { body })),
    onSuccess: (row) => {
      setNotice(`Saved ${row.preference_key}.`);
      void refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (name: string) =>
      call(api.DELETE("/api/preferences/{preference_key}", { params: { path: { preference_key: name as Key } } })),
    onSuccess: (_, name) => {
      setNotice(`Deleted ${name}.`);
      void refresh();
    },
  });

  const edit = (nextKey: Key, value?: unknown) => {
    setKey(nextKey);
    setNotice(null);
    const stored = rows.data?.find((r) => r.preference_key === nextKey)?.preference_value;
    setText(JSON.stringify(value ?? stored ?? EXAMPLES[nextKey], null, 2));
  };

  return (
    <Section title="Preferences" intro="Your own settings, stored in Lakebase. Nobody else can read or change them.">
      <ThemeControl />
      <div aria-live="polite">
        {notice ? <Alert componentId="prefs.notice" type="success" message={notice} closable={false} /> : null}
      </div>
      <ErrorAlert
        componentId="prefs.delete-error"
        error={remove.error}
        onRetry={() => remove.variables && remove.mutate(remove.variables)}
      />
      <Typography.Title level={2}>Stored preferences</Typography.Title>
      <QueryState
        query={rows}
        componentId="prefs.error"
        loadingLabel="Loading your preferences"
        empty={(data) => (data.length === 0 ? "No preferences yet. Create one below." : null)}
      >
        {(data) => (
          <PreferenceTable
            rows={data}
            onEdit={(row) => edit(row.preference_key as Key, row.preference_value)}
            onDelete={setPendingDelete}
          />
        )}
      </QueryState>
      <div style={{ display: "grid", gap: 12, maxWidth: 560 }}>
        <Typography.Title level={2}>Create or update</Typography.Title>
        <LabeledSelect
          id="prefs-key"
          label="Preference"
          value={key}
          options={KEYS.map((value) => ({ value }))}
          onChange={(value) => edit(value as Key)}
        />
        <JsonEditor
          id="prefs-value"
          label="Value (JSON object)"
          hint={valueError ?? "Valid JSON object."}
          rows={6}
          value={text}
          invalid={Boolean(valueError)}
          onChange={(next) => {
            setText(next);
            setNotice(null);
          }}
        />
        <div>
          <Button
            componentId="prefs.save"
            type="primary"
            disabled={Boolean(valueError)}
            loading={save.isPending}
            onClick={() => save.mutate({ preference_key: key, preference_value: JSON.parse(text) })}
          >
            Save
          </Button>
        </div>
        <ErrorAlert
          componentId="prefs.save-error"
          error={save.error}
          onRetry={() => save.variables && save.mutate(save.variables)}
        />
      </div>
      <DangerModal
        componentId="prefs.confirm-delete"
        visible={pendingDelete !== null}
        title={`Delete ${pendingDelete ?? ""}?`}
        okText="Delete"
        cancelText="Cancel"
        onOk={() => {
          if (pendingDelete) remove.mutate(pendingDelete);
          setPendingDelete(null);
        }}
        onCancel={() => setPendingDelete(null)}
      >
        <Typography.Text>This removes the preference for you only. It cannot be undone.</Typography.Text>
      </DangerModal>
    </Section>
  );
}
