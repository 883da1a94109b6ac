import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Actor } from "@/lib/auth/types";
import { forgetIntent, recallIntent, rememberIntent, rememberedIntentCount, type PendingUpload } from "./intent-cache";

const owner: Actor = { userId: randomUUID(), tenantId: randomUUID(), tenantSlug: "tshwane", role: "resident", name: "Thandi Mokoena" };

function pending(actor: Actor, expiresInMs = 15 * 60 * 1000): PendingUpload {
  const fileId = randomUUID();
  return {
    id: randomUUID(),
    tenantId: actor.tenantId,
    ownerId: actor.userId,
    fileId,
    bucket: "evidence",
    objectKey: `${actor.tenantId}/evidence/2026/12/${fileId}`,
    originalFilename: "pothole.jpg",
    contentType: "image/jpeg",
    declaredSize: 1234,
    purpose: "evidence",
    uploadExpiresAt: new Date(Date.now() + expiresInMs),
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("intent cache", () => {
  it("returns an intent to its owner only", () => {
    const upload = pending(owner);
    rememberIntent(upload);
    expect(recallIntent(owner, upload.fileId)).toBe(upload);
    expect(recallIntent({ ...owner, userId: randomUUID() }, upload.fileId)).toBeNull();
    expect(recallIntent({ ...owner, tenantId: randomUUID() }, upload.fileId)).toBeNull();
    forgetIntent(upload.fileId);
    expect(recallIntent(owner, upload.fileId)).toBeNull();
  });

  it("drops an entry an hour after expiry", () => {
    const upload = pending(owner, 60_000);
    rememberIntent(upload);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 30 * 60 * 1000 });
    expect(recallIntent(owner, upload.fileId)).toBe(upload);
    vi.setSystemTime(Date.now() + 45 * 60 * 1000);
    expect(recallIntent(owner, upload.fileId)).toBeNull();
  });

  it("evicts the oldest beyond ten thousand", () => {
    const first = pending(owner);
    rememberIntent(first);
    let last = first;
    for (let index = 0; index < 10_000; index += 1) {
      last = pending(owner);
      rememberIntent(last);
    }
    expect(rememberedIntentCount()).toBe(10_000);
    expect(recallIntent(owner, first.fileId)).toBeNull();
    expect(recallIntent(owner, last.fileId)).toBe(last);
  });
});
