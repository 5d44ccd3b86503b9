import { defineConfig } from "vitest/config";

// Unit tests for the client's pure helpers (validation, formatting, URL state); no browser needed.
export default defineConfig({
  test: { include: ["src/**/*.test.ts"], environment: "node" },
});
