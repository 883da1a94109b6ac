// `npm run keys:rotate [-- --dry-run] [-- --batch-size=500]`: re-encrypts every encrypted column
// under ENCRYPTION_KEY_CURRENT, so that the keys in ENCRYPTION_KEY_PREVIOUS can be retired.
// Reads the keys and DATABASE_URL from the environment and .env.local. Each batch commits on its
// own, so Ctrl+C (or SIGTERM) stops after the batches in progress, and running again continues. A
// row that no configured key decrypts is reported by table and id and left as it is.
// Progress goes to stderr and the JSON summary to stdout. Exit status: 0 when every row is under
// the current key, 1 when some row failed or the run could not start, 130 when interrupted.
// NOTE: the embedded PGlite database admits one process, so stop the server before rotating it.
import path from "node:path";
import { loadEnvConfig } from "@next/env";
import { z } from "zod";

const root = path.resolve(__dirname, "..");

const Options = z.object({
  dryRun: z.boolean(),
  batchSize: z.coerce
    .number({ message: "--batch-size must be a number" })
    .int("--batch-size must be a whole number")
    .min(1, "--batch-size must be between 1 and 10000")
    .max(10_000, "--batch-size must be between 1 and 10000"),
});

function parseArguments(argv: string[]): z.infer<typeof Options> {
  let dryRun = false;
  let batchSize: string | undefined;
  for (const argument of argv) {
    if (argument === "--dry-run") dryRun = true;
    else if (argument.startsWith("--batch-size=")) batchSize = argument.slice("--batch-size=".length);
    else throw new Error(`Unknown argument ${JSON.stringify(argument)}. Usage: npm run keys:rotate -- [--dry-run] [--batch-size=N]`);
  }
  const parsed = Options.safeParse({ dryRun, batchSize: batchSize ?? 500 });
  if (!parsed.success) throw new Error(parsed.error.issues.map((issue) => issue.message).join("; "));
  return parsed.data;
}

async function main(): Promise<number> {
  const options = parseArguments(process.argv.slice(2));
  loadEnvConfig(root, false, { info: () => {}, error: console.error });
  // Imported only now, after .env.local is loaded, because lib/env.ts parses process.env once.
  const { env } = await import("@/lib/env");
  const { openDatabase } = await import("@/db/client");
  const { loadAppKeyring } = await import("@/lib/crypto/app-keyring");
  const { rotateEncryptedColumns } = await import("@/lib/gbv/rotate-encrypted-columns");

  const settings = env();
  const { keyring, warnings } = loadAppKeyring(settings);
  for (const warning of warnings) console.error(`Warning: ${warning}`);
  if (keyring === null) {
    console.error("Nothing to rotate to: set ENCRYPTION_KEY_CURRENT to the new key and the old keys in ENCRYPTION_KEY_PREVIOUS.");
    return 1;
  }

  let stopRequested = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (stopRequested) process.exit(130);
      stopRequested = true;
      console.error(`${signal} received: stopping after the batches in progress. Send it again to stop at once.`);
    });
  }

  const connection = openDatabase({ url: settings.databaseUrl, maxConnections: 2 });
  const started = performance.now();
  try {
    console.error(`${options.dryRun ? "Dry run: counting" : "Rotating"} encrypted columns in batches of ${options.batchSize}...`);
    const report = await rotateEncryptedColumns({
      keyring,
      db: connection.db,
      dryRun: options.dryRun,
      batchSize: options.batchSize,
      shouldStop: () => stopRequested,
      onBatch: (progress) =>
        console.error(
          `  batch ${progress.batches} (${progress.table}): ${progress.rotated} ${options.dryRun ? "to rotate" : "rotated"}, ${progress.alreadyCurrent} already current, ${progress.failed} failed`,
        ),
    });
    const durationMs = Math.round(performance.now() - started);

    for (const name of report.skipped) console.error(`  skipped ${name}: the database has no such column yet`);
    for (const failure of report.failures) {
      console.error(`  ${failure.table} row ${failure.id}: no configured key decrypts ${failure.columns.join(", ")}, so the row is left unchanged`);
    }
    console.log(JSON.stringify({ ...report, durationMs }, null, 2));

    if (report.interrupted) {
      console.error("Interrupted. Run npm run keys:rotate again to continue; finished batches are kept.");
      return 130;
    }
    if (report.failed > 0) {
      console.error(
        `${report.failed} row${report.failed === 1 ? "" : "s"} could not be decrypted with any configured key. Keep ENCRYPTION_KEY_PREVIOUS ` +
          "until they are restored from a backup or removed.",
      );
      return 1;
    }
    if (!report.dryRun) console.error("Every encrypted column is under the current key. The keys in ENCRYPTION_KEY_PREVIOUS can be retired.");
    return 0;
  } finally {
    await connection.close();
  }
}

main().then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    console.error(`Key rotation failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
