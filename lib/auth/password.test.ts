import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "./password";

describe("hashPassword", () => {
  it("uses argon2id", async () => {
    const hash = await hashPassword("correct horse battery staple");
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it("salts each hash", async () => {
    expect(await hashPassword("same password")).not.toBe(await hashPassword("same password"));
  });

  it("rejects an empty password", async () => {
    await expect(hashPassword("")).rejects.toThrow(/empty/);
  });
});

describe("verifyPassword", () => {
  it("accepts the right password", async () => {
    const hash = await hashPassword("Sibongile-2026");
    expect(await verifyPassword(hash, "Sibongile-2026")).toBe(true);
  });

  it("rejects a wrong password", async () => {
    const hash = await hashPassword("Sibongile-2026");
    expect(await verifyPassword(hash, "sibongile-2026")).toBe(false);
  });

  it("treats a malformed hash as a mismatch", async () => {
    expect(await verifyPassword("not-a-hash", "anything")).toBe(false);
  });
});
