import { defineConfig } from "vite";

// The dev server proxies the API to the backend started by `make dev`.
export default defineConfig({
  oxc: { jsx: { runtime: "automatic", importSource: "@emotion/react" } },
  server: {
    port: 5173,
    proxy: {
      "/api": "http://127.0.0.1:8000",
      "/health": "http://127.0.0.1:8000",
    },
  },
  build: {
    outDir: "dist",
    sourcemap: false,
    chunkSizeWarningLimit: 2500,
    rollupOptions: {
      // Radix marks its modules "use client" (a React Server Components hint): harmless here.
      onwarn(warning, warn) {
        if (warning.code !== "MODULE_LEVEL_DIRECTIVE") warn(warning);
      },
      output: {
        // One cacheable vendor chunk for the design system and React; one small chunk per section.
        codeSplitting: {
          groups: [
            {
              name: "vendor",
              test: /node_modules[\\/](?!(ajv|fast-uri|fast-deep-equal|json-schema-traverse|require-from-string)[\\/])/,
            },
          ],
        },
      },
    },
  },
});
