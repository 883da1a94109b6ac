import { describe, expect, it } from "vitest";
import type { StoragePostResult } from "./storage-post";
import type { UploadIntentInput } from "../create-upload-intent";
import { uploadFile, type UploadDependencies, type UploadPhase } from "./upload-file";

const DIGEST = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

function fakes(postResults: StoragePostResult[], digests: (string | null)[] = []) {
  const calls = { intents: 0, digests: 0, requests: [] as UploadIntentInput[], posts: [] as string[], confirms: [] as string[] };
  const dependencies: UploadDependencies = {
    digestFile: async () => {
      calls.digests += 1;
      return digests.length > 0 ? digests.shift()! : DIGEST;
    },
    requestIntent: async (input) => {
      calls.intents += 1;
      calls.requests.push(input);
      return {
        ok: true,
        data: {
          fileId: `file-${calls.intents}`,
          url: "/api/storage/upload",
          fields: { key: `key-${calls.intents}`, "Content-Type": input.declaredType },
          contentType: input.declaredType,
          maxBytes: 1000,
          expiresAt: new Date().toISOString(),
        },
      };
    },
    postFile: async ({ fields, onProgress }) => {
      calls.posts.push(fields.key!);
      onProgress(0.5);
      return postResults.shift() ?? { ok: true };
    },
    confirm: async (fileId) => {
      calls.confirms.push(fileId);
      return { ok: true, data: { fileId, originalFilename: "x", contentType: "image/jpeg", size: 3, sha256: "", state: "uploaded" } };
    },
  };
  return { dependencies, calls };
}

const photo = () => new File([new Uint8Array([0xff, 0xd8, 0xff])], "Zoë's pothole – Mthatha.jpg", { type: "image/jpeg" });

async function run(dependencies: UploadDependencies, file = photo()) {
  const phases: UploadPhase[] = [];
  const outcome = await uploadFile({ file, purpose: "evidence", locale: "en", dependencies, onPhase: (phase) => phases.push(phase), onProgress: () => {} });
  return { outcome, phases };
}

describe("uploadFile", () => {
  it("requests, posts and confirms", async () => {
    const { dependencies, calls } = fakes([]);
    const { outcome, phases } = await run(dependencies);
    expect(outcome).toEqual({ ok: true, fileId: "file-1" });
    expect(phases).toEqual(["requesting", "uploading", "confirming"]);
    expect(calls.confirms).toEqual(["file-1"]);
  });

  it("declares the file's SHA-256", async () => {
    const { dependencies, calls } = fakes([]);
    await run(dependencies);
    expect(calls.requests).toHaveLength(1);
    expect(calls.requests[0]!.sha256).toBe(DIGEST);
  });

  it("omits the digest when none can be computed", async () => {
    const { dependencies, calls } = fakes([], [null]);
    const { outcome } = await run(dependencies);
    expect(outcome).toEqual({ ok: true, fileId: "file-1" });
    expect(calls.requests[0]).not.toHaveProperty("sha256");
  });

  it("omits the digest when hashing fails", async () => {
    const { dependencies, calls } = fakes([]);
    dependencies.digestFile = async () => {
      throw new DOMException("The file could not be read.", "NotReadableError");
    };
    expect((await run(dependencies)).outcome).toEqual({ ok: true, fileId: "file-1" });
    expect(calls.requests[0]).not.toHaveProperty("sha256");
  });

  it("rehashes after a bad digest", async () => {
    const changed = "0".repeat(64);
    const { dependencies, calls } = fakes([{ ok: false, failure: "bad_digest", status: 400 }], [DIGEST, changed]);
    const { outcome } = await run(dependencies);
    expect(outcome).toEqual({ ok: true, fileId: "file-2" });
    expect(calls.digests).toBe(2);
    expect(calls.requests.map((request) => request.sha256)).toEqual([DIGEST, changed]);
    expect(calls.confirms).toEqual(["file-2"]);
  });

  it("gives up after a second bad digest", async () => {
    const bad: StoragePostResult = { ok: false, failure: "bad_digest", status: 400 };
    const { dependencies, calls } = fakes([bad, bad]);
    expect((await run(dependencies)).outcome).toEqual({ ok: false, kind: "storage", failure: "bad_digest" });
    expect(calls.intents).toBe(2);
    expect(calls.confirms).toEqual([]);
  });

  it("retries once with a fresh intent after an expired policy", async () => {
    const { dependencies, calls } = fakes([{ ok: false, failure: "policy_expired", status: 403 }]);
    const { outcome } = await run(dependencies);
    expect(outcome).toEqual({ ok: true, fileId: "file-2" });
    expect(calls.posts).toEqual(["key-1", "key-2"]);
    expect(calls.confirms).toEqual(["file-2"]);
  });

  it("gives up after a second expired policy", async () => {
    const expired: StoragePostResult = { ok: false, failure: "policy_expired", status: 403 };
    const { dependencies, calls } = fakes([expired, expired]);
    const { outcome } = await run(dependencies);
    expect(outcome).toEqual({ ok: false, kind: "storage", failure: "policy_expired" });
    expect(calls.intents).toBe(2);
    expect(calls.confirms).toEqual([]);
  });

  it("does not retry other storage failures", async () => {
    const { dependencies, calls } = fakes([{ ok: false, failure: "denied", status: 403 }]);
    expect((await run(dependencies)).outcome).toEqual({ ok: false, kind: "storage", failure: "denied" });
    expect(calls.intents).toBe(1);
  });

  it("refuses an empty file before any request", async () => {
    const { dependencies, calls } = fakes([]);
    const { outcome } = await run(dependencies, new File([], "empty.jpg", { type: "image/jpeg" }));
    expect(outcome).toEqual({ ok: false, kind: "check", message: '"empty.jpg" is empty (0 bytes). Please choose the file again.' });
    expect(calls.intents).toBe(0);
    expect(calls.digests).toBe(0);
  });

  it("passes a server refusal through", async () => {
    const { dependencies } = fakes([]);
    dependencies.confirm = async () => ({ ok: false, code: "invalid_input", message: "not a JPEG" });
    expect((await run(dependencies)).outcome).toEqual({ ok: false, kind: "server", code: "invalid_input", message: "not a JPEG" });
  });
});
