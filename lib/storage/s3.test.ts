import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { S3StorageDriver } from "./s3";

// HeadObject against a small stand-in for S3 on 127.0.0.1, because s3rver keeps no checksums.

const SHA256_HEX = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
const SHA256_BASE64 = Buffer.from(SHA256_HEX, "hex").toString("base64");

/** Response headers per object key. */
const objects: Record<string, Record<string, string>> = {
  "full.jpg": { "x-amz-checksum-sha256": SHA256_BASE64, "x-amz-checksum-type": "FULL_OBJECT" },
  "composite.jpg": { "x-amz-checksum-sha256": `${SHA256_BASE64}-3`, "x-amz-checksum-type": "COMPOSITE" },
  "none.jpg": {},
};
const checksumModes: (string | undefined)[] = [];

let server: http.Server;
let driver: S3StorageDriver;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    checksumModes.push(request.headers["x-amz-checksum-mode"] as string | undefined);
    const key = decodeURIComponent(new URL(request.url!, "http://127.0.0.1").pathname.split("/").pop()!);
    const extra = objects[key];
    if (!extra) return void response.writeHead(404).end();
    response.writeHead(200, { "content-length": "3", "content-type": "image/jpeg", ...extra }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  driver = new S3StorageDriver({
    region: "af-south-1",
    endpoint: `http://127.0.0.1:${port}`,
    forcePathStyle: true,
    accessKeyId: "test",
    secretAccessKey: "test",
    buckets: { evidence: "evidence", documents: "documents" },
  });
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

describe("S3StorageDriver.headObject", () => {
  it("returns a whole-object SHA-256 as hex", async () => {
    expect(await driver.headObject("evidence", "full.jpg")).toEqual({ size: 3, contentType: "image/jpeg", sha256: SHA256_HEX });
    expect(checksumModes.at(-1)).toBe("ENABLED");
  });

  it("ignores a multipart checksum", async () => {
    expect((await driver.headObject("evidence", "composite.jpg"))?.sha256).toBeNull();
  });

  it("reports no digest when none is stored", async () => {
    expect((await driver.headObject("evidence", "none.jpg"))?.sha256).toBeNull();
  });

  it("returns null for a missing object", async () => {
    expect(await driver.headObject("evidence", "missing.jpg")).toBeNull();
  });
});
