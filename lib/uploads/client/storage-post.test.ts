import { describe, expect, it } from "vitest";
import { buildUploadForm, classifyStoragePostFailure } from "./storage-post";

describe("classifyStoragePostFailure", () => {
  it("recognizes S3's expired policy", () => {
    const body =
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Invalid according to Policy: Policy expired.</Message></Error>';
    expect(classifyStoragePostFailure(403, body)).toBe("policy_expired");
  });

  it("recognizes the local driver's expired policy", () => {
    expect(classifyStoragePostFailure(403, JSON.stringify({ error: { code: "policy_expired", message: "x" } }))).toBe("policy_expired");
  });

  it("maps size failures", () => {
    expect(classifyStoragePostFailure(400, "<Error><Code>EntityTooLarge</Code></Error>")).toBe("too_large");
    expect(classifyStoragePostFailure(400, JSON.stringify({ error: { code: "entity_too_small" } }))).toBe("too_small");
    expect(classifyStoragePostFailure(413, "")).toBe("too_large");
  });

  it("maps a checksum mismatch", () => {
    expect(classifyStoragePostFailure(400, "<Error><Code>BadDigest</Code><Message>The SHA256 you specified did not match.</Message></Error>")).toBe(
      "bad_digest",
    );
    expect(classifyStoragePostFailure(400, JSON.stringify({ error: { code: "bad_digest", message: "x" } }))).toBe("bad_digest");
  });

  it("maps other refusals and outages", () => {
    expect(classifyStoragePostFailure(403, "<Error><Code>SignatureDoesNotMatch</Code></Error>")).toBe("denied");
    expect(classifyStoragePostFailure(503, "<Error><Code>SlowDown</Code></Error>")).toBe("unavailable");
    expect(classifyStoragePostFailure(0, "")).toBe("network");
  });
});

describe("buildUploadForm", () => {
  it("keeps field order and puts the file last", () => {
    const fields = { "Content-Type": "image/jpeg", bucket: "b", key: "k", Policy: "p", "X-Amz-Signature": "s" };
    const form = buildUploadForm(fields, new Blob([new Uint8Array([1, 2, 3])]), "Zoë's – photo.jpg");
    const names = [...form.keys()];
    expect(names).toEqual(["Content-Type", "bucket", "key", "Policy", "X-Amz-Signature", "file"]);
    expect((form.get("file") as File).name).toBe("Zoë's – photo.jpg");
  });
});
