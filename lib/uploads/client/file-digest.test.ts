import { createHash } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { computeFileSha256 } from "./file-digest";

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("computeFileSha256", () => {
  it("returns lower-case hex", async () => {
    // The FIPS 180-2 example digest of "abc".
    expect(await computeFileSha256(new Blob(["abc"]))).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("matches Node's hash for binary content", async () => {
    const bytes = new Uint8Array(70_000).map((_, index) => (index * 31) % 256);
    expect(await computeFileSha256(new Blob([bytes]))).toBe(createHash("sha256").update(bytes).digest("hex"));
  });

  it("returns null without Web Crypto", async () => {
    vi.stubGlobal("crypto", {});
    expect(await computeFileSha256(new Blob(["abc"]))).toBeNull();
  });
});
