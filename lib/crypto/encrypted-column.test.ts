import { PGlite } from "@electric-sql/pglite";
import { eq, getTableColumns } from "drizzle-orm";
import { drizzle } from "drizzle-orm/pglite";
import { pgTable, text } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encryptedText } from "./encrypted-column";
import { type EncryptedText, Keyring } from "./keyring";
import { pythonInterop } from "./testing/fernet-fixtures";

const notes = pgTable("encrypted_column_test_notes", {
  id: text("id").primaryKey(),
  secret: encryptedText("secret"),
});

const keyring = new Keyring({ current: pythonInterop.keys.primary, previous: [] });
const MADE_AT = new Date("2026-11-30T08:00:00Z");

describe("encryptedText column", () => {
  const client = new PGlite();
  const db = drizzle(client);

  beforeAll(async () => {
    await client.exec("create table encrypted_column_test_notes (id text primary key, secret text)");
  });

  afterAll(async () => {
    await client.close();
  });

  it("sql type is text", () => {
    expect(getTableColumns(notes).secret.getSQLType()).toBe("text");
  });

  it("round trip through database", async () => {
    const token = keyring.encrypt("Case details for the SAPS liaison", { now: MADE_AT });

    await db.insert(notes).values({ id: "n1", secret: token });
    const [row] = await db.select().from(notes).where(eq(notes.id, "n1"));
    const raw = await client.query<{ secret: string }>(
      "select secret from encrypted_column_test_notes where id = 'n1'",
    );

    expect(row?.secret).toBe(token);
    expect(raw.rows[0]?.secret).toBe(token as unknown as string);
    expect(raw.rows[0]?.secret.startsWith("gAAAAA")).toBe(true);
    expect(keyring.decryptText(row!.secret as EncryptedText)).toBe("Case details for the SAPS liaison");
  });

  it("plain text is a type error", () => {
    const values = {
      id: "n2",
      // @ts-expect-error A plain string is not EncryptedText, so plaintext cannot reach the column.
      secret: "Case details in plaintext",
    } satisfies typeof notes.$inferInsert;

    expect(values.id).toBe("n2");
  });

  it("ciphertext is not a string type", () => {
    const token = keyring.encrypt("Case details", { now: MADE_AT });

    // @ts-expect-error EncryptedText cannot be used where text is expected, such as in JSX or a message.
    const shown: string = token;

    expect(typeof shown).toBe("string");
  });
});
