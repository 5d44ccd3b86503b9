// What an API error means for the user: whether retrying can help, and what a denial needs.
import { ApiError } from "../api/client";

const RETRYABLE_STATUSES = new Set([0, 408, 429, 502, 503, 504]);

/** True when sending the same request again may succeed (network, timeouts, unavailable). */
export function isRetryable(error: unknown): boolean {
  return error instanceof ApiError ? RETRYABLE_STATUSES.has(error.status) : true;
}

/** Seconds the server asked the client to wait before retrying, or 0. */
export function retryAfterSeconds(error: unknown): number {
  return error instanceof ApiError && error.retryAfter ? error.retryAfter : 0;
}

/** True for a 403 (the user lacks a privilege). */
export function isDenied(error: unknown): boolean {
  return error instanceof ApiError && error.status === 403;
}

function text(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

/** The Unity Catalog privileges a denied table read needs, and whom to ask. */
export function deniedExplanation(details: Record<string, unknown>): string {
  const catalog = text(details.catalog);
  const schema = text(details.schema);
  const table = text(details.table);
  if (!catalog || !schema || !table) {
    return "Your account lacks a privilege this needs. Ask a workspace admin to grant it.";
  }
  return (
    `Reading ${catalog}.${schema}.${table} needs SELECT on the table, USE SCHEMA on ${catalog}.${schema} ` +
    `and USE CATALOG on ${catalog}. Ask the table's owner or a workspace admin to grant them.`
  );
}
