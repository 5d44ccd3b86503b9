import { Alert } from "@databricks/design-system";
import { useEffect, useState } from "react";
import { ApiError } from "../api/client";
import { deniedExplanation, isDenied, isRetryable, retryAfterSeconds } from "../lib/errors";

/** Seconds left before a retry is allowed, counting down from the error's retry_after. */
function useCountdown(error: unknown): number {
  const [left, setLeft] = useState(() => retryAfterSeconds(error));
  useEffect(() => {
    setLeft(retryAfterSeconds(error));
    const timer = window.setInterval(() => setLeft((value) => (value > 0 ? value - 1 : 0)), 1000);
    return () => window.clearInterval(timer);
  }, [error]);
  return left;
}

type ErrorAlertProps = { error: unknown; componentId: string; onRetry?: () => void };

/**
 * An error: its message first, then what to do (the grant a denial needs), the error code and the
 * request id to quote; a Retry where retrying can help, held back for the server's retry_after.
 */
export function ErrorAlert({ error, componentId, onRetry }: ErrorAlertProps) {
  const wait = useCountdown(error);
  if (!error) return null;
  const apiError = error instanceof ApiError ? error : null;
  const message = apiError?.message ?? String(error);
  const reference = apiError
    ? `${apiError.errorCode}${apiError.requestId ? ` · request id ${apiError.requestId}` : ""}`
    : null;
  const hint = isDenied(error) && apiError ? deniedExplanation(apiError.details) : null;
  const retry = onRetry && isRetryable(error);
  return (
    <Alert
      componentId={componentId}
      type={isDenied(error) ? "warning" : "error"}
      closable={false}
      message={message}
      description={
        <span style={{ display: "grid", gap: 4 }}>
          {hint ? <span>{hint}</span> : null}
          {reference ? <span>{reference}</span> : null}
        </span>
      }
      actions={
        retry
          ? [
              {
                componentId: `${componentId}.retry`,
                children: wait > 0 ? `Retry in ${wait} s` : "Retry",
                disabled: wait > 0,
                onClick: () => onRetry(),
              },
            ]
          : undefined
      }
      forceVerticalActionsPlacement
    />
  );
}
