import { FormUI } from "@databricks/design-system";
import type { ReactNode } from "react";

/** A labelled form field (DuBois FormUI): the label names the control through htmlFor. */
export function Field({
  id,
  label,
  hint,
  minWidth = 200,
  children,
}: {
  id: string;
  label: string;
  hint?: ReactNode;
  minWidth?: number;
  children: ReactNode;
}) {
  return (
    <div style={{ display: "grid", gap: 4, minWidth }}>
      <FormUI.Label htmlFor={id}>{label}</FormUI.Label>
      {children}
      {hint ? <FormUI.Hint>{hint}</FormUI.Hint> : null}
    </div>
  );
}
