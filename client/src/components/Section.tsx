import { Header, Typography } from "@databricks/design-system";
import type { ReactNode } from "react";

/** A section page: the DuBois page header (a level-1 title) and an intro line. */
export function Section({ title, intro, children }: { title: string; intro: string; children: ReactNode }) {
  return (
    <section aria-label={title} style={{ display: "grid", gap: 16 }}>
      <div>
        <Header title={title} titleElementLevel={1} />
        <Typography.Text color="secondary">{intro}</Typography.Text>
      </div>
      {children}
    </section>
  );
}
