import { Button, Input } from "@databricks/design-system";
import { useState } from "react";
import { formatCount, pageCount, parsePage } from "../lib/format";
import { PAGE_SIZES } from "../lib/viewState";
import { Field } from "./Field";
import { LabeledSelect } from "./LabeledSelect";

type PagerProps = {
  idPrefix: string;
  page: number;
  size: number;
  total: number;
  shown: number;
  onPage: (page: number) => void;
  onSize: (size: number) => void;
};

/** First / previous / go-to / next / last, rows per page, and where the page sits in the total. */
export function Pager({ idPrefix, page, size, total, shown, onPage, onSize }: PagerProps) {
  const pages = pageCount(total, size);
  const [target, setTarget] = useState("");
  const jump = () => {
    const next = parsePage(target, pages);
    if (next !== null) onPage(next);
    setTarget("");
  };
  const first = total === 0 || shown === 0 ? 0 : (page - 1) * size + 1;
  const last = first === 0 ? 0 : first + shown - 1;
  return (
    <nav className="pager" aria-label="Pages">
      <div className="pager-buttons">
        <Button componentId={`${idPrefix}.first`} disabled={page <= 1} onClick={() => onPage(1)}>
          First
        </Button>
        <Button componentId={`${idPrefix}.previous`} disabled={page <= 1} onClick={() => onPage(page - 1)}>
          Previous
        </Button>
        <Button componentId={`${idPrefix}.next`} disabled={page >= pages} onClick={() => onPage(page + 1)}>
          Next
        </Button>
        <Button componentId={`${idPrefix}.last`} disabled={page >= pages} onClick={() => onPage(pages)}>
          Last
        </Button>
      </div>
      <form
        className="pager-buttons"
        onSubmit={(event) => {
          event.preventDefault();
          jump();
        }}
      >
        <Field id={`${idPrefix}-goto`} label={`Go to page (1–${formatCount(pages)})`} minWidth={0}>
          <Input
            id={`${idPrefix}-goto`}
            componentId={`${idPrefix}.goto`}
            inputMode="numeric"
            value={target}
            style={{ width: 120 }}
            onChange={(event) => setTarget(event.target.value)}
          />
        </Field>
        <Button componentId={`${idPrefix}.go`} htmlType="submit" disabled={parsePage(target, pages) === null}>
          Go
        </Button>
      </form>
      <LabeledSelect
        id={`${idPrefix}-page-size`}
        label="Rows per page"
        value={String(size)}
        options={PAGE_SIZES.map((value) => ({ value: String(value) }))}
        onChange={(value) => onSize(Number(value))}
        minWidth={0}
      />
      <p className="pager-status" aria-live="polite">
        {`Page ${formatCount(page)} of ${formatCount(pages)} · rows ${formatCount(first)}–${formatCount(last)} of ${formatCount(total)}`}
      </p>
    </nav>
  );
}
