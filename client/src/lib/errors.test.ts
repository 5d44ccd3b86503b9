import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import { shouldRetry } from "../api/queryClient";
import { deniedExplanation, isDenied, isRetryable, retryAfterSeconds } from "./errors";

const error = (status: number, retryAfter: number | null = null) =>
  new ApiError("m", status, "CODE", "req-1", {}, retryAfter);

describe("errors", () => {
  it("knows which failures a retry can fix", () => {
    expect(isRetryable(error(503, 10))).toBe(true);
    expect(isRetryable(error(0))).toBe(true);
    expect(isRetryable(error(403))).toBe(false);
    expect(isRetryable(error(400))).toBe(false);
  });
  it("reads retry_after", () => {
    expect(retryAfterSeconds(error(503, 30))).toBe(30);
    expect(retryAfterSeconds(error(503))).toBe(0);
    expect(retryAfterSeconds(new Error("x"))).toBe(0);
  });
  it("names the privileges a denied table needs", () => {
    expect(isDenied(error(403))).toBe(true);
    const text = deniedExplanation({ catalog: "main", schema: "hr", table: "salaries" });
    expect(text).toContain("SELECT on the table");
    expect(text).toContain("USE SCHEMA on main.hr");
    expect(text).toContain("USE CATALOG on main");
    expect(text).toContain("owner or a workspace admin");
    expect(deniedExplanation({})).toContain("workspace admin");
  });
  it("retries reads automatically only after a network failure, once", () => {
    expect(shouldRetry(0, error(0))).toBe(true);
    expect(shouldRetry(1, error(0))).toBe(false);
    expect(shouldRetry(0, error(503, 10))).toBe(false);
  });
});
