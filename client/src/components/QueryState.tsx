import { Empty, Spinner } from "@databricks/design-system";
import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { ErrorAlert } from "./ErrorAlert";

type QueryStateProps<T> = {
  query: UseQueryResult<T>;
  componentId: string;
  loadingLabel: string;
  empty?: (data: T) => ReactNode | null;
  children: (data: T) => ReactNode;
};

/** Distinct loading, failed (with Retry), empty and loaded states for one server read. */
export function QueryState<T>({ query, componentId, loadingLabel, empty, children }: QueryStateProps<T>) {
  if (query.isPending) return <Spinner label={loadingLabel} />;
  if (query.isError)
    return <ErrorAlert componentId={componentId} error={query.error} onRetry={() => void query.refetch()} />;
  const emptyView = empty?.(query.data);
  if (emptyView) return typeof emptyView === "string" ? <Empty description={emptyView} /> : emptyView;
  return <>{children(query.data)}</>;
}
