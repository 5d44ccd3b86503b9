import { Alert } from "@databricks/design-system";
import { ApiError } from "../api/client";

/** An error with its message, code and the request id to quote to support. */
export function ErrorAlert({ error, componentId }: { error: unknown; componentId: string }) {
  if (!error) return null;
  const apiError = error instanceof ApiError ? error : null;
  const message = apiError?.message ?? String(error);
  const description = apiError
    ? `${apiError.errorCode}${apiError.requestId ? ` · request id ${apiError.requestId}` : ""}`
    : undefined;
  return <Alert componentId={componentId} type="error" message={message} description={description} closable={false} />;
}
