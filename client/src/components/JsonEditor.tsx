import { Input } from "@databricks/design-system";
import type { ReactNode } from "react";
import { Field } from "./Field";

type JsonEditorProps = {
  id: string;
  label: string;
  hint: ReactNode;
  value: string;
  rows: number;
  invalid: boolean;
  describedBy?: string;
  onChange: (text: string) => void;
};

/** A labelled monospace JSON text area that reports its validity to assistive technology. */
export function JsonEditor({ id, label, hint, value, rows, invalid, describedBy, onChange }: JsonEditorProps) {
  return (
    <Field id={id} label={label} hint={hint}>
      <Input.TextArea
        id={id}
        componentId={id}
        className="json-editor"
        rows={rows}
        value={value}
        aria-invalid={invalid ? true : undefined}
        aria-describedby={describedBy}
        onChange={(event) => onChange(event.target.value)}
      />
    </Field>
  );
}
