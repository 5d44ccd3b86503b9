import { Alert } from "@databricks/design-system";
import { ApiError } from "../api/client";

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

/** An error with its message, code and the request id to quote to support. */
export function ErrorAlert({ error, componentId }: { error: unknown; componentId: string }) {
  if (!error) return null;
  const apiError = error instanceof ApiError ? error : null;
  const message = apiError?.message ?? String(error);
  const code = apiError
    ? `${apiError.errorCode}${apiError.requestId ? ` · request id ${apiError.requestId}` : ""}`
    : undefined;
  const help = apiError ? credentialHelp(apiError) : null;
  const description = help ? `${help} (${code})` : code;
  return <Alert componentId={componentId} type="error" message={message} description={description} closable={false} />;
}
