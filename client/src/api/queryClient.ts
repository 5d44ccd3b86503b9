// Server state lives in TanStack Query: responses are keyed by their request, so a slow answer
// for an earlier selection never replaces the current one.
import { QueryClient } from "@tanstack/react-query";
import { ApiError } from "./client";

/** Retry a failed read once, and only after a network failure; every other error is shown at once. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  return failureCount < 1 && error instanceof ApiError && error.status === 0;
}

/** A query client for the app: no refetch on focus, results fresh for 30 s. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: shouldRetry, retryDelay: 500, refetchOnWindowFocus: false, staleTime: 30_000 },
      mutations: { retry: false },
    },
  });
}
