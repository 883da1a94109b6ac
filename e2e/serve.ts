// Starts the server the end-to-end suite runs against. It builds the app, prepares a fresh database
// (PostgreSQL when E2E_DATABASE_URL is set, otherwise PGlite) and a fresh storage folder, and runs
// `next start` from another working directory, so the built app must carry its own migrations.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { migrate, openDatabase } from "@/db/client";
import { seed } from "@/db/seed";
import { generateKey } from "@/lib/crypto/fernet";
import { FIXTURE_WEBHOOK } from "../scripts/fixture-webhook";

const root = path.resolve(__dirname, "..");
const port = process.env.E2E_PORT ?? "3210";
const workDir = path.join(root, "var", "e2e");
const databaseUrl = process.env.E2E_DATABASE_URL ?? null;
const encryptionKey = generateKey();

async function prepareDatabase(): Promise<void> {
  fs.rmSync(workDir, { recursive: true, force: true });
  fs.mkdirSync(workDir, { recursive: true });
  const connection = openDatabase({ url: databaseUrl, pgliteDir: path.join(workDir, "pgdata") });
  if (databaseUrl) {
    const host = new URL(databaseUrl).hostname;
    if (!["127.0.0.1", "localhost", "::1"].includes(host)) throw new Error(`E2E_DATABASE_URL must point at 127.0.0.1, got ${host}`);
    // The suite owns this database: start from an empty schema every run.
    await connection.db.execute(sql.raw("drop schema if exists bika_meta cascade; drop schema public cascade; create schema public;"));
  }
  await migrate(connection.db);
  await seed(connection.db);
  await connection.close();
}

function build(): void {
  if (process.env.E2E_SKIP_BUILD === "1" && fs.existsSync(path.join(root, ".next", "BUILD_ID"))) return;
  const result = spawnSync("npx", ["next", "build"], { cwd: root, stdio: "inherit", env: serverEnv() });
  if (result.status !== 0) throw new Error(`next build failed with exit code ${result.status}`);
}

function serverEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: "production",
    PORT: port,
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    NEXTAUTH_URL: `http://127.0.0.1:${port}`,
    APP_SECRET: "e2e-only-secret-0123456789abcdef0123456789abcdef",
    // A fresh key per run, because the database is fresh too; production mode refuses to start without one.
    ENCRYPTION_KEY_CURRENT: encryptionKey,
    DEV_OUTBOX: "true",
    // The recorded Twilio requests are signed for this token and origin, as in the demo.
    TWILIO_AUTH_TOKEN: FIXTURE_WEBHOOK.authToken,
    TWILIO_WEBHOOK_BASE_URL: FIXTURE_WEBHOOK.baseUrl,
    STORAGE_DIR: path.join(workDir, "storage"),
    PGLITE_DIR: path.join(workDir, "pgdata"),
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    LOG_LEVEL: process.env.LOG_LEVEL ?? "info",
  };
}

async function main(): Promise<void> {
  build();
  await prepareDatabase();
  const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), "bika-e2e-cwd-"));
  const server = spawn(path.join(root, "node_modules", ".bin", "next"), ["start", root, "-p", port, "-H", "127.0.0.1"], {
    cwd: elsewhere,
    stdio: "inherit",
    env: serverEnv(),
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
  server.on("exit", (code) => process.exit(code ?? 0));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
