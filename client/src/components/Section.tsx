import { Typography } from "@databricks/design-system";
import type { ReactNode } from "react";

/** A section page with a level-1 title and an intro line. */
export function Section({ title, intro, children }: { title: string; intro: string; children: ReactNode }) {
  return (
    <section aria-labelledby="section-title" style={{ display: "grid", gap: 16 }}>
      <div>
        <Typography.Title level={1} id="section-title">
          {title}
        </Typography.Title>
        <Typography.Text color="secondary">{intro}</Typography.Text>
      </div>
      {children}
    </section>
  );
}
