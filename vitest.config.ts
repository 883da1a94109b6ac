import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(__dirname) } },
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", ".next/**", "e2e/**", "var/**"],
    environment: "node",
    globalSetup: ["./test/global-setup.ts"],
    // Integration suites each create their own PostgreSQL database, so files can run in parallel.
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? "silent", NODE_ENV: "test" },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
