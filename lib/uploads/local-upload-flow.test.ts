import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { GET as getObject } from "@/app/api/storage/object/route";
import { POST as postUpload } from "@/app/api/storage/upload/route";
import { auditEvents } from "@/db/schema";
import { SNIFF_BYTES } from "@/lib/media/sniff";
import type { Actor } from "@/lib/auth/types";
import { getStorage } from "@/lib/storage";
import { encodeUploadPolicy, signUploadPolicy, type LocalUploadPolicy } from "@/lib/storage/local-signing";
import { buildUploadForm } from "./client/storage-post";
import { confirmUpload } from "./confirm-upload";
import { createUploadIntent, type UploadIntent } from "./create-upload-intent";
import { getAttachmentUrl } from "./get-attachment-url";
import { actorFor, createTenant, createUser, getAttachmentRow, startUploadTestEnvironment, type UploadTestEnvironment } from "./test-factories";

const photos = path.resolve(__dirname, "../../test/fixtures/photos");
const ctx = { requestId: "test-local-upload-flow", locale: "en" as const };
const route = { params: Promise.resolve({}) };

let environment: UploadTestEnvironment;
let resident: Actor;

beforeAll(async () => {
  environment = await startUploadTestEnvironment();
  const tenant = await createTenant(environment.db);
  resident = actorFor(await createUser(environment.db, tenant, "resident"), tenant);
});

afterAll(async () => {
  await environment?.close();
});

afterEach(() => {
  vi.useRealTimers();
});

async function post(fields: Record<string, string>, body: Blob, filename: string): Promise<Response> {
  const request = new NextRequest("http://127.0.0.1:3000/api/storage/upload", { method: "POST", body: buildUploadForm(fields, body, filename) });
  return postUpload(request, route);
}

async function errorCode(response: Response): Promise<string> {
  const body = (await response.json()) as { error: { code: string } };
  return body.error.code;
}

function pdf(text: string): Blob {
  return new Blob([`%PDF-1.4\n% ${text}\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n`], { type: "application/pdf" });
}

async function intentFor(filename: string, blob: Blob, declaredType = blob.type): Promise<UploadIntent> {
  return createUploadIntent(resident, { purpose: "evidence", filename, declaredType, size: blob.size }, ctx);
}

describe("local driver upload flow", () => {
  it("stores and confirms a photo", async () => {
    const name = "own_pothole_soweto_gps_orientation6.jpg";
    const bytes = await readFile(path.join(photos, name));
    const expected = JSON.parse(await readFile(path.join(photos, "expected.json"), "utf8")) as { files: { file: string; sha256: string }[] };
    const photo = new Blob([bytes], { type: "image/jpeg" });

    const intent = await intentFor(name, photo);
    expect(intent.url).toBe("/api/storage/upload");
    expect(Object.keys(intent.fields)).toEqual(["key", "Content-Type", "x-amz-server-side-encryption", "policy", "x-bika-signature"]);
    expect(intent.fields["Content-Type"]).toBe("image/jpeg");
    expect(intent.fields.key).toMatch(new RegExp(`^${resident.tenantId}/evidence/\\d{4}/\\d{2}/${intent.fileId}$`));

    const response = await post(intent.fields, photo, name);
    expect(response.status).toBe(204);
    const stored = path.join(environment.storageDir, "evidence", ...intent.fields.key!.split("/"));
    expect((await stat(stored)).size).toBe(bytes.length);

    const confirmed = await confirmUpload(resident, intent.fileId, ctx);
    expect(confirmed.state).toBe("uploaded");
    expect(confirmed.size).toBe(bytes.length);
    expect(confirmed.sha256).toBe(expected.files.find((file) => file.file === name)!.sha256);

    const row = await getAttachmentRow(environment.db, intent.fileId);
    expect(row.state).toBe("uploaded");
    expect(row.sniffedContentType).toBe("image/jpeg");
    expect(row.confirmedAt).toBeInstanceOf(Date);
    const events = await environment.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, row.id), eq(auditEvents.action, "attachment.uploaded")));
    expect(events).toHaveLength(1);

    // Confirming twice returns the same result instead of failing.
    expect(await confirmUpload(resident, intent.fileId, ctx)).toEqual(confirmed);

    const url = await getAttachmentUrl(resident, intent.fileId, { disposition: "attachment" }, ctx);
    const download = await getObject(new NextRequest(new URL(url, "http://127.0.0.1:3000")), route);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("image/jpeg");
    expect(download.headers.get("x-content-type-options")).toBe("nosniff");
    expect(download.headers.get("content-disposition")).toMatch(/^attachment; /);
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it("confirms a pinned digest without reading the file", async () => {
    const name = "recurser_Landscape_3.jpg";
    const bytes = await readFile(path.join(photos, name));
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const photo = new Blob([bytes], { type: "image/jpeg" });
    const intent = await createUploadIntent(resident, { purpose: "evidence", filename: name, declaredType: "image/jpeg", size: photo.size, sha256 }, ctx);
    expect((await post(intent.fields, photo, name)).status).toBe(204);
    expect(await getStorage().headObject("evidence", intent.fields.key!)).toEqual({ size: bytes.length, contentType: "image/jpeg", sha256 });

    const readObject = vi.spyOn(getStorage(), "readObject");
    try {
      const confirmed = await confirmUpload(resident, intent.fileId, ctx);
      expect(confirmed.sha256).toBe(sha256);
      expect(confirmed.size).toBe(bytes.length);
      // Only the first bytes are read, for the type sniff.
      expect(readObject).toHaveBeenCalledTimes(1);
      expect(readObject.mock.calls[0]![2]).toEqual({ start: 0, end: Math.min(bytes.length, SNIFF_BYTES) - 1 });
    } finally {
      readObject.mockRestore();
    }
    expect((await getAttachmentRow(environment.db, intent.fileId)).sha256).toBe(sha256);
  });

  it("refuses a body whose SHA-256 differs from the pinned one", async () => {
    const bytes = await readFile(path.join(photos, "recurser_Landscape_6.jpg"));
    const declared = createHash("sha256").update(bytes).digest("hex");
    const altered = Buffer.from(bytes);
    altered[altered.length - 3] = altered[altered.length - 3]! ^ 0xff;
    const intent = await createUploadIntent(
      resident,
      { purpose: "evidence", filename: "altered.jpg", declaredType: "image/jpeg", size: altered.length, sha256: declared },
      ctx,
    );

    const response = await post(intent.fields, new Blob([altered], { type: "image/jpeg" }), "altered.jpg");
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("bad_digest");
    expect(body.error.message).toContain(declared);
    expect(await getStorage().headObject("evidence", intent.fields.key!)).toBeNull();
    expect(await readdir(path.join(environment.storageDir, ".uploads"))).toEqual([]);
  });

  it("refuses a form without the pinned checksum field", async () => {
    const file = pdf("checksum");
    const sha256 = createHash("sha256").update(Buffer.from(await file.arrayBuffer())).digest("hex");
    const intent = await createUploadIntent(resident, { purpose: "evidence", filename: "checksum.pdf", declaredType: "application/pdf", size: file.size, sha256 }, ctx);
    const fields = { ...intent.fields };
    delete fields["x-amz-checksum-sha256"];
    const response = await post(fields, file, "checksum.pdf");
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe("condition_failed");
  });

  it("refuses a file over the type's limit", async () => {
    const declared = new Blob([new Uint8Array(1000)], { type: "image/png" });
    const intent = await intentFor("big.png", declared);
    const tooBig = new Blob([new Uint8Array(15 * 1024 * 1024 + 1)], { type: "image/png" });

    const response = await post(intent.fields, tooBig, "big.png");
    expect(response.status).toBe(400);
    expect(await errorCode(response)).toBe("entity_too_large");
    expect(await getStorage().headObject("evidence", intent.fields.key!)).toBeNull();
    expect(await readdir(path.join(environment.storageDir, ".uploads"))).toEqual([]);
  });

  it("refuses an empty file", async () => {
    const intent = await intentFor("empty.pdf", pdf("placeholder"));
    const response = await post(intent.fields, new Blob([]), "empty.pdf");
    expect(response.status).toBe(400);
    expect(await errorCode(response)).toBe("entity_too_small");
  });

  it("refuses a forged signature", async () => {
    const file = pdf("forged");
    const intent = await intentFor("forged.pdf", file);
    const signature = intent.fields["x-bika-signature"]!;
    const forged = (signature[0] === "0" ? "1" : "0") + signature.slice(1);
    const response = await post({ ...intent.fields, "x-bika-signature": forged }, file, "forged.pdf");
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe("signature_mismatch");
  });

  it("refuses a policy edited without re-signing", async () => {
    const file = pdf("bigger");
    const intent = await intentFor("bigger.pdf", file);
    const policy = JSON.parse(Buffer.from(intent.fields.policy!, "base64").toString("utf8")) as LocalUploadPolicy;
    const edited = encodeUploadPolicy({ ...policy, maxBytes: policy.maxBytes * 10 });
    const response = await post({ ...intent.fields, policy: edited }, file, "bigger.pdf");
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe("signature_mismatch");
  });

  it("refuses a changed key", async () => {
    const file = pdf("key");
    const intent = await intentFor("key.pdf", file);
    const other = await intentFor("other.pdf", file);
    const response = await post({ ...intent.fields, key: other.fields.key! }, file, "key.pdf");
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe("condition_failed");
    expect(await getStorage().headObject("evidence", other.fields.key!)).toBeNull();
  });

  it("refuses a changed Content-Type", async () => {
    const file = pdf("type");
    const intent = await intentFor("type.pdf", file);
    const response = await post({ ...intent.fields, "Content-Type": "text/html" }, file, "type.pdf");
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe("condition_failed");
  });

  it("refuses an expired policy", async () => {
    const file = pdf("late");
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() - 16 * 60 * 1000);
    const intent = await intentFor("late.pdf", file);
    vi.useRealTimers();

    const response = await post(intent.fields, file, "late.pdf");
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe("policy_expired");
    await expect(confirmUpload(resident, intent.fileId, ctx)).rejects.toMatchObject({
      code: "invalid_input",
      message: 'The time to upload "late.pdf" ran out (15 minutes). Please add the file again.',
    });
  });

  it("refuses a policy signed with another secret", async () => {
    const file = pdf("secret");
    const intent = await intentFor("secret.pdf", file);
    const policy = JSON.parse(Buffer.from(intent.fields.policy!, "base64").toString("utf8")) as LocalUploadPolicy;
    const encoded = encodeUploadPolicy(policy);
    const response = await post({ ...intent.fields, policy: encoded, "x-bika-signature": signUploadPolicy(encoded, "x".repeat(48)) }, file, "secret.pdf");
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe("signature_mismatch");
  });

  it("refuses a body that is not multipart", async () => {
    const request = new NextRequest("http://127.0.0.1:3000/api/storage/upload", {
      method: "POST",
      body: "key=x",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    const response = await postUpload(request, route);
    expect(response.status).toBe(400);
    expect(await errorCode(response)).toBe("malformed_request");
  });

  it("keeps file names out of keys and in the disposition", async () => {
    for (const name of ["Munisipale rekening (finaal).pdf", "Zoë's bill – Mthatha.pdf", "a+b=c.pdf"]) {
      const file = pdf(name);
      const intent = await intentFor(name, file, "");
      expect(intent.contentType).toBe("application/pdf");
      expect((await post(intent.fields, file, name)).status).toBe(204);
      await confirmUpload(resident, intent.fileId, ctx);

      const row = await getAttachmentRow(environment.db, intent.fileId);
      expect(row.originalFilename).toBe(name);
      expect(row.objectKey.endsWith(`/${intent.fileId}`)).toBe(true);
      for (const word of ["Munisipale", "Zo", "Mthatha", "a+b", ".pdf"]) expect(row.objectKey).not.toContain(word);

      const url = await getAttachmentUrl(resident, intent.fileId, { disposition: "attachment" }, ctx);
      const response = await getObject(new NextRequest(new URL(url, "http://127.0.0.1:3000")), route);
      expect(response.status).toBe(200);
      const disposition = response.headers.get("content-disposition")!;
      expect(disposition.startsWith("attachment; ")).toBe(true);
      const encoded = /filename\*=UTF-8''([^;]+)/.exec(disposition)![1]!;
      expect(decodeURIComponent(encoded)).toBe(name);
      expect(response.headers.get("content-type")).toBe("application/pdf");
      await response.arrayBuffer();
    }
  });

  it("refuses a tampered download URL", async () => {
    const file = pdf("tamper");
    const intent = await intentFor("tamper.pdf", file);
    await post(intent.fields, file, "tamper.pdf");
    await confirmUpload(resident, intent.fileId, ctx);
    const url = new URL(await getAttachmentUrl(resident, intent.fileId, { disposition: "attachment" }, ctx), "http://127.0.0.1:3000");

    url.searchParams.set("type", "text/html");
    const response = await getObject(new NextRequest(url), route);
    expect(response.status).toBe(403);
  });
});
