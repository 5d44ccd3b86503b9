import { Alert, Button, Empty, Modal, Table, TableCell, TableRow, Typography } from "@databricks/design-system";
import { useCallback, useEffect, useState } from "react";
import { api, call, type Schemas } from "../api/client";
import { ErrorAlert } from "../components/ErrorAlert";
import { HeaderRow } from "../components/HeaderRow";
import { JsonEditor } from "../components/JsonEditor";
import { LabeledSelect } from "../components/LabeledSelect";
import { Section } from "../components/Section";
import { useTheme } from "../theme";

type Key = Schemas["PreferenceUpsert"]["preference_key"];
const KEYS: Key[] = ["theme", "dashboard_layout", "favorite_tables"];
const EXAMPLES: Record<Key, unknown> = {
  theme: { mode: "dark" },
  dashboard_layout: { columns: 2 },
  favorite_tables: { tables: ["main.samples.orders"] },
};

function jsonObjectError(text: string): string | null {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null || Array.isArray(value)) return "The value must be a JSON object, like {\"mode\": \"dark\"}.";
    if (new TextEncoder().encode(JSON.stringify(value)).length > 100 * 1024) return "The value must be at most 100 KB.";
    return null;
  } catch (error) {
    return `Not valid JSON: ${(error as Error).message}`;
  }
}

export default function Preferences() {
  const theme = useTheme();
  const [rows, setRows] = useState<Schemas["UserPreference"][]>([]);
  const [key, setKey] = useState<Key>("theme");
  const [text, setText] = useState(JSON.stringify(EXAMPLES.theme, null, 2));
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [pendingDelete, setPendingDelete] = useState<string | null>(null);
  const valueError = jsonObjectError(text);

  const load = useCallback(() => {
    call(api.GET("/api/preferences")).then(setRows).catch(setError);
  }, []);
  useEffect(load, [load]);

  const edit = (nextKey: Key, value?: unknown) => {
    setKey(nextKey);
    setText(JSON.stringify(value ?? rows.find((r) => r.preference_key === nextKey)?.preference_value ?? EXAMPLES[nextKey], null, 2));
  };

  const save = () => {
    if (valueError) return;
    setError(null);
    call(api.POST("/api/preferences", { body: { preference_key: key, preference_value: JSON.parse(text) } }))
      .then((row) => {
        setNotice(`Saved ${row.preference_key}.`);
        load();
        if (row.preference_key === "theme") theme.reload();
      })
      .catch(setError);
  };

  const remove = (name: string) => {
    setPendingDelete(null);
    call(api.DELETE("/api/preferences/{preference_key}", { params: { path: { preference_key: name as Key } } }))
      .then(() => {
        setNotice(`Deleted ${name}.`);
        load();
        if (name === "theme") theme.reload();
      })
      .catch(setError);
  };

  return (
    <Section title="Preferences" intro="Your own settings, stored in Lakebase. Nobody else can read or change them.">
      <div aria-live="polite">{notice ? <Alert componentId="prefs.notice" type="success" message={notice} closable={false} /> : null}</div>
      <ErrorAlert componentId="prefs.error" error={error} />
      <div className="data-scroll">
        <Table aria-label="Your preferences" empty={rows.length === 0 ? <Empty description="No preferences yet. Create one below." /> : undefined}>
          <HeaderRow names={["Key", "Value", "Updated", "Actions"]} idPrefix="prefs.header" />
          {rows.map((row) => (
            <TableRow key={row.preference_key}>
              <TableCell>{row.preference_key}</TableCell>
              <TableCell>
                <code>{JSON.stringify(row.preference_value)}</code>
              </TableCell>
              <TableCell>{new Date(row.updated_at).toLocaleString()}</TableCell>
              <TableCell>
                <div style={{ display: "flex", gap: 8 }}>
                  <Button componentId="prefs.edit" size="small" aria-label={`Edit ${row.preference_key}`} onClick={() => edit(row.preference_key as Key, row.preference_value)}>
                    Edit
                  </Button>
                  <Button componentId="prefs.delete" size="small" aria-label={`Delete ${row.preference_key}`} onClick={() => setPendingDelete(row.preference_key)}>
                    Delete
                  </Button>
                </div>
              </TableCell>
            </TableRow>
          ))}
        </Table>
      </div>
      <div style={{ display: "grid", gap: 12, maxWidth: 560 }}>
        <Typography.Title level={2}>Create or update</Typography.Title>
        <LabeledSelect id="prefs-key" label="Preference" value={key} options={KEYS.map((value) => ({ value }))} onChange={(value) => edit(value as Key)} />
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
          <Button componentId="prefs.save" type="primary" disabled={Boolean(valueError)} onClick={save}>
            Save
          </Button>
        </div>
      </div>
      <Modal
        componentId="prefs.confirm-delete"
        visible={pendingDelete !== null}
        title={`Delete ${pendingDelete ?? ""}?`}
        okText="Delete"
        cancelText="Cancel"
        okButtonProps={{ danger: true }}
        onOk={() => pendingDelete && remove(pendingDelete)}
        onCancel={() => setPendingDelete(null)}
      >
        <Typography.Text>This removes the preference for you only. It cannot be undone.</Typography.Text>
      </Modal>
    </Section>
  );
}
