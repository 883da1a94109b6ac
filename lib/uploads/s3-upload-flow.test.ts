import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/types";
import { bucketFor, getStorage } from "@/lib/storage";
import { S3RVER_CREDENTIALS, startS3Server, type S3TestServer } from "@/test/s3-server";
import { buildUploadForm } from "./client/storage-post";
import { confirmUpload } from "./confirm-upload";
import { createUploadIntent } from "./create-upload-intent";
import { getAttachmentUrl } from "./get-attachment-url";
import { actorFor, createTenant, createUser, getAttachmentRow, startUploadTestEnvironment, type UploadTestEnvironment } from "./test-factories";

const photos = path.resolve(__dirname, "../../test/fixtures/photos");
const ctx = { requestId: "test-s3-upload-flow", locale: "en" as const };
const buckets = { evidence: "bika-evidence", documents: "bika-documents" };

let s3: S3TestServer;
let environment: UploadTestEnvironment;
let resident: Actor;

beforeAll(async () => {
  s3 = await startS3Server({ buckets: Object.values(buckets) });
  environment = await startUploadTestEnvironment({ s3: { endpoint: s3.endpoint, ...S3RVER_CREDENTIALS, buckets } });
  const tenant = await createTenant(environment.db);
  resident = actorFor(await createUser(environment.db, tenant, "resident"), tenant);
});

afterAll(async () => {
  await environment?.close();
  await s3?.close();
});

interface PostPolicy {
  expiration: string;
  conditions: (Record<string, string> | [string, ...unknown[]])[];
}

describe("S3 driver upload flow", () => {
  it("issues a policy that pins every condition", async () => {
    const before = Date.now();
    const intent = await createUploadIntent(resident, { purpose: "evidence", filename: "photo.jpg", declaredType: "image/jpeg", size: 1234 }, ctx);

    expect(getStorage().name).toBe("s3");
    expect(intent.url).toBe(`${s3.endpoint}/bika-evidence`);
    expect(Object.keys(intent.fields).at(-1)).toBe("X-Amz-Signature");
    const policy = JSON.parse(Buffer.from(intent.fields.Policy!, "base64").toString("utf8")) as PostPolicy;

    expect(policy.conditions).toContainEqual({ bucket: "bika-evidence" });
    expect(policy.conditions).toContainEqual({ key: intent.fields.key });
    expect(intent.fields.key).toMatch(new RegExp(`^${resident.tenantId}/evidence/\\d{4}/\\d{2}/${intent.fileId}$`));
    expect(policy.conditions).toContainEqual({ "Content-Type": "image/jpeg" });
    expect(policy.conditions).toContainEqual(["content-length-range", 1, 15 * 1024 * 1024]);
    expect(policy.conditions).toContainEqual({ "x-amz-server-side-encryption": "AES256" });
    expect(intent.fields["x-amz-server-side-encryption"]).toBe("AES256");
    // No condition may leave the key or type open to a prefix match.
    expect(policy.conditions.filter((condition) => Array.isArray(condition) && condition[0] === "starts-with")).toEqual([]);
    // Without a declared digest there is no checksum condition.
    expect(JSON.stringify(policy.conditions)).not.toContain("x-amz-checksum");

    const expiresIn = Date.parse(policy.expiration) - before;
    expect(expiresIn).toBeGreaterThan(15 * 60 * 1000 - 5000);
    expect(expiresIn).toBeLessThanOrEqual(15 * 60 * 1000 + 5000);
    expect(Math.abs(Date.parse(intent.expiresAt) - Date.parse(policy.expiration))).toBeLessThan(5000);
  });

  it("pins a declared SHA-256 in the policy", async () => {
    const bytes = await readFile(path.join(photos, "recurser_Landscape_3.jpg"));
    const hex = createHash("sha256").update(bytes).digest("hex");
    const base64 = Buffer.from(hex, "hex").toString("base64");
    const intent = await createUploadIntent(
      resident,
      { purpose: "evidence", filename: "photo.jpg", declaredType: "image/jpeg", size: bytes.length, sha256: hex },
      ctx,
    );
    const policy = JSON.parse(Buffer.from(intent.fields.Policy!, "base64").toString("utf8")) as PostPolicy;

    expect(policy.conditions).toContainEqual({ "x-amz-checksum-algorithm": "SHA256" });
    expect(policy.conditions).toContainEqual({ "x-amz-checksum-sha256": base64 });
    expect(intent.fields["x-amz-checksum-algorithm"]).toBe("SHA256");
    expect(intent.fields["x-amz-checksum-sha256"]).toBe(base64);
    // The other conditions stay as they are without a digest.
    expect(policy.conditions).toContainEqual({ "Content-Type": "image/jpeg" });
    expect(policy.conditions).toContainEqual(["content-length-range", 1, 15 * 1024 * 1024]);
    expect(policy.conditions).toContainEqual({ "x-amz-server-side-encryption": "AES256" });
  });

  it("uploads a photo straight to storage and confirms it", async () => {
    const name = "exifr_IMG_20180725_163423-tiny.jpg";
    const bytes = await readFile(path.join(photos, name));
    const photo = new Blob([bytes], { type: "image/jpeg" });
    const intent = await createUploadIntent(resident, { purpose: "evidence", filename: name, declaredType: "image/jpeg", size: photo.size }, ctx);

    const response = await fetch(intent.url, { method: "POST", body: buildUploadForm(intent.fields, photo, name) });
    expect(response.status).toBe(204);
    const head = await getStorage().headObject(bucketFor("evidence"), intent.fields.key!);
    expect(head).toEqual({ size: bytes.length, contentType: "image/jpeg", sha256: null });

    const confirmed = await confirmUpload(resident, intent.fileId, ctx);
    expect(confirmed.sha256).toBe("9599aa9d8e19db288baefe51d777224f6a79b2ae7d0a2be36168d06486825ec8");
    const row = await getAttachmentRow(environment.db, intent.fileId);
    expect(row.state).toBe("uploaded");
    expect(row.bucket).toBe("bika-evidence");
    expect(row.size).toBe(bytes.length);

    const url = new URL(await getAttachmentUrl(resident, intent.fileId, { disposition: "attachment" }, ctx));
    expect(url.origin).toBe(s3.endpoint);
    expect(Number(url.searchParams.get("X-Amz-Expires"))).toBe(300);
    const disposition = url.searchParams.get("response-content-disposition")!;
    expect(decodeURIComponent(/filename\*=UTF-8''([^;]+)/.exec(disposition)![1]!)).toBe(name);

    const download = await fetch(url);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toBe(disposition);
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it("routes proof of residence to the documents bucket", async () => {
    const intent = await createUploadIntent(
      resident,
      { purpose: "proof_of_residence", filename: "Munisipale rekening (finaal).pdf", declaredType: "application/pdf", size: 2048 },
      ctx,
    );
    expect(intent.url).toBe(`${s3.endpoint}/bika-documents`);
    expect(intent.maxBytes).toBe(10 * 1024 * 1024);
    expect(intent.fields.key).toContain("/proof_of_residence/");
  });
});
