import { Typography } from "@databricks/design-system";
import type { ReactNode } from "react";

/** A labelled form field: the label names the control through htmlFor. */
export function Field({ id, label, hint, children }: { id: string; label: string; hint?: ReactNode; children: ReactNode }) {
  return (
    <div style={{ display: "grid", gap: 4, minWidth: 200 }}>
      <label htmlFor={id}>
        <Typography.Text bold>{label}</Typography.Text>
      </label>
      {children}
      {hint ? <Typography.Hint>{hint}</Typography.Hint> : null}
    </div>
  );
}
