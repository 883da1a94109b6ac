// Times `npm run keys:rotate` over 100,000 confidential reports in a fresh PostgreSQL database on
// 127.0.0.1 (TEST_DATABASE_ADMIN_URL, default postgres://postgres@127.0.0.1:5432/postgres).
// Usage: npx tsx bench/keys-rotate.ts [--rows=100000]
// Every row carries all three encrypted columns under key A. The script then runs the real command
// with key B current and A previous, runs it again (every row already current), checks a sample
// with key B alone, and drops the database. Prints one JSON object. Target: 100,000 rows in 30 s.
import { spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { withSystem } from "@/db/client";
import { categories, tenants, tickets, users } from "@/db/schema";
import { generateKey } from "@/lib/crypto/fernet";
import { Keyring } from "@/lib/crypto/keyring";
import { encodeAccount, encodeSafeContact, GBV_GENERIC_DESCRIPTION } from "@/lib/gbv/confidential-details";
import { createTestDatabase, type TestDatabase } from "@/test/db";

const DEFAULT_ROWS = 100_000;
const INSERT_CHUNK = 1000;
const TARGET_SECONDS = 30;
const SAMPLE_SIZE = 200;

const root = path.resolve(__dirname, "..");

// About 600 bytes, a typical length for a written account.
const ACCOUNT =
  "He came home drunk after work and started shouting at me in front of the children. When I asked him to stop he pushed " +
  "me against the kitchen wall and hit me twice with his open hand. My neighbour heard the noise and knocked on the door, " +
  "and he left for about an hour. He took my phone and my bank card with him. This is not the first time; it has happened " +
  "three times since December and each time it gets worse. I am afraid to go to the police station near us because his " +
  "cousin works there. I want someone to know in case something happens to me or the children.";

function parseRows(argv: string[]): number {
  const given = argv.find((argument) => argument.startsWith("--rows="));
  const rows = given ? Number(given.slice("--rows=".length)) : DEFAULT_ROWS;
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`--rows must be a positive whole number, got ${given}`);
  return rows;
}

async function seedRows(database: TestDatabase, rows: number, keyring: Keyring): Promise<number> {
  const started = performance.now();
  const { tenantId, reporterId, categoryId } = await withSystem(async (tx) => {
    const [tenant] = await tx.insert(tenants).values({ slug: "bench", name: "Benchmark Municipality", code: "BEN" }).returning();
    const [reporter] = await tx.insert(users).values({ tenantId: tenant!.id, role: "resident", name: "Bench Resident", phone: "+27820000000" }).returning();
    const [category] = await tx
      .insert(categories)
      .values({ tenantId: tenant!.id, slug: "gbv", name: "Gender-based violence", isSensitive: true })
      .returning();
    return { tenantId: tenant!.id, reporterId: reporter!.id, categoryId: category!.id };
  }, database.db);

  for (let offset = 0; offset < rows; offset += INSERT_CHUNK) {
    const values = Array.from({ length: Math.min(INSERT_CHUNK, rows - offset) }, (_, index) => {
      const number = offset + index + 1;
      return {
        tenantId,
        reporterId,
        categoryId,
        reference: `BEN-2026-${String(number).padStart(6, "0")}`,
        channel: "web" as const,
        description: GBV_GENERIC_DESCRIPTION,
        isSensitive: true,
        encryptedDescription: keyring.encrypt(encodeAccount({ account: ACCOUNT, when: "Friday night, about 22:00" })),
        encryptedLocation: keyring.encrypt(`House ${number}, Block K, Mabopane`),
        encryptedSafeContact: keyring.encrypt(encodeSafeContact({ method: "sms", details: "Only weekdays between 09:00 and 12:00" })),
      };
    });
    await withSystem((tx) => tx.insert(tickets).values(values), database.db);
  }
  return (performance.now() - started) / 1000;
}

interface CommandRun {
  seconds: number;
  status: number | null;
  report: { rotated: number; alreadyCurrent: number; failed: number; batches: number };
}

function runRotateCommand(database: TestDatabase, keys: { current: string; previous: string }): CommandRun {
  const started = performance.now();
  const result = spawnSync(path.join(root, "node_modules", ".bin", "tsx"), ["scripts/keys-rotate.ts"], {
    cwd: root,
    encoding: "utf8",
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      ENCRYPTION_KEY_CURRENT: keys.current,
      ENCRYPTION_KEY_PREVIOUS: keys.previous,
      LOG_LEVEL: "silent",
    },
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`keys:rotate exited with ${result.status}: ${result.stderr}`);
  return { seconds, status: result.status, report: JSON.parse(result.stdout) as CommandRun["report"] };
}

async function checkSample(database: TestDatabase, keyring: Keyring): Promise<number> {
  const rows = await withSystem(
    (tx) => tx.select().from(tickets).orderBy(sql`random()`).limit(SAMPLE_SIZE),
    database.db,
  );
  for (const row of rows) {
    if (!row.encryptedDescription || !keyring.decryptText(row.encryptedDescription).includes("drunk after work")) {
      throw new Error(`Ticket ${row.id} does not decrypt with the new key alone`);
    }
  }
  return rows.length;
}

async function main(): Promise<void> {
  const rows = parseRows(process.argv.slice(2));
  const keyA = generateKey();
  const keyB = generateKey();
  const database = await createTestDatabase();
  try {
    const seedSeconds = await seedRows(database, rows, new Keyring({ current: keyA, previous: [] }));
    const rotation = runRotateCommand(database, { current: keyB, previous: keyA });
    const rerun = runRotateCommand(database, { current: keyB, previous: keyA });
    const sampled = await checkSample(database, new Keyring({ current: keyB, previous: [] }));

    const result = {
      benchmark: "npm run keys:rotate",
      rows,
      encryptedColumnsPerRow: 3,
      database: "PostgreSQL on 127.0.0.1, fresh database",
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? "unknown", node: process.version },
      seedSeconds: Number(seedSeconds.toFixed(1)),
      rotate: {
        seconds: Number(rotation.seconds.toFixed(2)),
        rowsPerSecond: Math.round(rows / rotation.seconds),
        rotated: rotation.report.rotated,
        alreadyCurrent: rotation.report.alreadyCurrent,
        failed: rotation.report.failed,
        batches: rotation.report.batches,
      },
      rerun: {
        seconds: Number(rerun.seconds.toFixed(2)),
        rotated: rerun.report.rotated,
        alreadyCurrent: rerun.report.alreadyCurrent,
      },
      sampleDecryptedWithNewKeyOnly: sampled,
      target: { seconds: TARGET_SECONDS, met: rotation.seconds <= TARGET_SECONDS && rotation.report.rotated === rows },
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
