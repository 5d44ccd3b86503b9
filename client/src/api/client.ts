// The only way the UI talks to the server: a typed client generated from the OpenAPI document.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
export const api = createClient<paths>({ baseUrl: "" });

/** A failed API call: the server's error envelope plus the request id to quote. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly errorCode: string,
    readonly requestId: string | null,
    readonly details: Record<string, unknown>,
    readonly retryAfter: number | null = null,
  ) {
    super(message);
  }
}

// Every error the API declares is this envelope; a proxy in front may still answer otherwise.
type Envelope = Partial<Schemas["ErrorResponse"]>;

function retryAfterOf(envelope: Envelope, response: Response): number | null {
  const header = Number(response.headers.get("retry-after"));
  const seconds = typeof envelope.retry_after === "number" ? envelope.retry_after : header;
  return Number.isFinite(seconds) && seconds > 0 ? seconds : null;
}

/** Unwrap an openapi-fetch result: the data, or an ApiError built from the envelope. */
export async function call<T>(promise: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await promise;
  } catch (cause) {
    throw new ApiError(`Network error: ${String(cause)}`, 0, "NETWORK_ERROR", null, {});
  }
  const { data, error, response } = result;
  if (response.ok) return data as T;
  const envelope = (error ?? {}) as Envelope;
  throw new ApiError(
    envelope.message ?? `HTTP ${response.status}`,
    response.status,
    envelope.error_code ?? "HTTP_ERROR",
    response.headers.get("x-request-id"),
    envelope.technical_details ?? {},
    retryAfterOf(envelope, response),
  );
}
