import { createHash, randomUUID } from "node:crypto";
import { mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildObjectKey } from "./keys";
import { LocalStorageDriver } from "./local";
import { SERVER_SIDE_ENCRYPTION } from "./types";

let root: string;
let driver: LocalStorageDriver;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "bika-local-driver-"));
  driver = new LocalStorageDriver({ root, secret: "s".repeat(48) });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function newKey(): string {
  return buildObjectKey({ tenantId: randomUUID(), purpose: "evidence", fileId: randomUUID(), now: new Date() });
}

async function put(key: string, body: Uint8Array): Promise<void> {
  await driver.putObject("evidence", key, body, { contentType: "image/jpeg", serverSideEncryption: SERVER_SIDE_ENCRYPTION });
}

describe("LocalStorageDriver.headObject", () => {
  it("reports the digest recorded while writing", async () => {
    const key = newKey();
    const body = new TextEncoder().encode("not really a photo");
    await put(key, body);
    expect(await driver.headObject("evidence", key)).toEqual({
      size: body.length,
      contentType: "image/jpeg",
      sha256: createHash("sha256").update(body).digest("hex"),
    });
  });

  it("drops the digest when the file was replaced", async () => {
    const key = newKey();
    await put(key, new TextEncoder().encode("first body"));
    // Another upload's file of the same size renamed into place after this metadata was written.
    const replacement = path.join(root, "replacement");
    await writeFile(replacement, "other body");
    await rename(replacement, driver.objectPath("evidence", key));
    expect(await driver.headObject("evidence", key)).toEqual({ size: 10, contentType: "image/jpeg", sha256: null });
  });

  it("reports no digest for metadata without one", async () => {
    const key = newKey();
    await put(key, new TextEncoder().encode("older object"));
    const metadataFile = `${driver.objectPath("evidence", key)}.meta.json`;
    const { contentType, serverSideEncryption } = JSON.parse(await readFile(metadataFile, "utf8")) as Record<string, string>;
    await writeFile(metadataFile, JSON.stringify({ contentType, serverSideEncryption }));
    expect(await driver.headObject("evidence", key)).toEqual({ size: 12, contentType: "image/jpeg", sha256: null });
  });
});
