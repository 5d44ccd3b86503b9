import { Header, Typography } from "@databricks/design-system";
import { type ReactNode, useEffect } from "react";

export const APP_NAME = "Databricks App Template";

/** Sets the document title to name the view (most specific first) and the app. */
export function useDocumentTitle(...parts: string[]): void {
  const title = [...parts.filter(Boolean), APP_NAME].join(" · ");
  useEffect(() => {
    document.title = title;
  }, [title]);
}

type SectionProps = { title: string; intro: string; documentTitle?: string[]; children: ReactNode };

/** A section page: the DuBois page header (a level-1 title), an intro line and the document title. */
export function Section({ title, intro, documentTitle, children }: SectionProps) {
  useDocumentTitle(...(documentTitle ?? []), title);
  return (
    <section
      aria-label={title}
      style={{ display: "grid", gridTemplateColumns: "minmax(0, 1fr)", gap: 16, minWidth: 0 }}
    >
      <div>
        <Header title={title} titleElementLevel={1} />
        <Typography.Text color="secondary">{intro}</Typography.Text>
      </div>
      {children}
    </section>
  );
}
