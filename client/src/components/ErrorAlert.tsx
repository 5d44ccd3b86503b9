import { Alert } from "@databricks/design-system";
import { useEffect, useState } from "react";
import { ApiError } from "../api/client";
import { deniedExplanation, isDenied, isRetryable, retryAfterSeconds } from "../lib/errors";

/** What to do about a credentials or scope error (the seed's EC-003), or null for other errors. */
export function credentialHelp(error: ApiError): string | null {
  if (error.status === 401 || error.errorCode === "AUTH_REQUIRED") {
    return (
      "Locally, send X-Forwarded-Email (or set DEV_USER_EMAIL in .env) and restart the app. " +
      "Deployed, open the app through its Databricks Apps URL so the proxy signs you in; with " +
      "user authorization on, the proxy forwards your token. See docs/troubleshooting.md#auth_required."
    );
  }
  if (error.status === 403 && /scope/i.test(error.message)) {
    return (
      "The app lacks an OAuth scope of user authorization: add it to user_api_scopes in " +
      "databricks.yml, redeploy, and sign in again to consent. See docs/auth.md."
    );
  }
  return null;
}

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
  const help = apiError ? credentialHelp(apiError) : null;
  const hint = help ?? (isDenied(error) && apiError ? deniedExplanation(apiError.details) : null);
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
