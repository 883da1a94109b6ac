import { describe, expect, it } from "vitest";
import { checkFile } from "./check-file";
import { ALLOWED_TYPES, resolveContentType } from "./limits";
import { createUploadTranslator } from "./messages";

const en = createUploadTranslator("en");
const MB = 1024 * 1024;

describe("resolveContentType", () => {
  it("keeps an allowed declared type", () => {
    expect(resolveContentType("evidence", "photo.png", "image/png")).toMatchObject({ ok: true, type: { contentType: "image/png" } });
  });

  it("falls back to the extension when the type is empty", () => {
    expect(resolveContentType("evidence", "Voice note.MP3", "")).toMatchObject({ ok: true, type: { contentType: "audio/mpeg" } });
    expect(resolveContentType("evidence", "bill.pdf", "application/octet-stream")).toMatchObject({ ok: true, type: { contentType: "application/pdf" } });
  });

  it("normalizes aliases and parameters", () => {
    expect(resolveContentType("evidence", "x", "image/JPG")).toMatchObject({ ok: true, type: { contentType: "image/jpeg" } });
    expect(resolveContentType("evidence", "x", "audio/ogg; codecs=opus")).toMatchObject({ ok: true, type: { contentType: "audio/ogg" } });
  });

  it("flags HEIC by type or extension", () => {
    expect(resolveContentType("evidence", "IMG_0001.HEIC", "")).toEqual({ ok: false, reason: "heif", given: ".heic" });
    expect(resolveContentType("evidence", "photo.jpg", "image/heic")).toMatchObject({ ok: false, reason: "heif" });
  });

  it("rejects types outside the purpose's list", () => {
    expect(resolveContentType("proof_of_residence", "clip.mp4", "video/mp4")).toMatchObject({ ok: false, reason: "not_allowed", given: "video/mp4" });
    expect(resolveContentType("evidence", "page.html", "text/html")).toMatchObject({ ok: false, reason: "not_allowed" });
    expect(resolveContentType("evidence", "noextension", "")).toMatchObject({ ok: false, reason: "unknown" });
  });
});

describe("checkFile", () => {
  it("accepts the limit exactly", () => {
    expect(checkFile({ purpose: "evidence", filename: "a.jpg", declaredType: "image/jpeg", size: 15 * MB }, en).ok).toBe(true);
    expect(checkFile({ purpose: "evidence", filename: "a.mp4", declaredType: "video/mp4", size: 50 * MB }, en).ok).toBe(true);
  });

  it("refuses one byte over the limit", () => {
    const result = checkFile({ purpose: "evidence", filename: "a.jpg", declaredType: "image/jpeg", size: 15 * MB + 1 }, en);
    expect(result).toEqual({
      ok: false,
      field: "size",
      message: '"a.jpg" is 15728641 bytes, but images may be at most 15 MB. Please choose a smaller file.',
    });
  });

  it("refuses a zero-byte file", () => {
    const result = checkFile({ purpose: "evidence", filename: "empty.pdf", declaredType: "application/pdf", size: 0 }, en);
    expect(result).toMatchObject({ ok: false, field: "size", message: expect.stringContaining("is empty") });
  });

  it("uses the purpose's own limit", () => {
    const result = checkFile({ purpose: "proof_of_residence", filename: "bill.pdf", declaredType: "application/pdf", size: 10 * MB + 1 }, en);
    expect(result).toMatchObject({ ok: false, message: expect.stringContaining("at most 10 MB") });
  });

  it("asks for JPEG instead of HEIC", () => {
    const result = checkFile({ purpose: "evidence", filename: "IMG_0001.heic", declaredType: "", size: 1000 }, en);
    expect(result).toMatchObject({ ok: false, message: expect.stringContaining("JPEG") });
  });

  it("translates messages", () => {
    const af = createUploadTranslator("af");
    const result = checkFile({ purpose: "evidence", filename: "leeg.jpg", declaredType: "image/jpeg", size: 0 }, af);
    expect(result).toMatchObject({ ok: false, message: '"leeg.jpg" is leeg (0 grepe). Kies asseblief die lêer weer.' });
  });

  it("has a limit for every allowed type", () => {
    for (const types of Object.values(ALLOWED_TYPES)) {
      for (const type of types) expect(type.maxBytes, type.contentType).toBeGreaterThan(0);
    }
  });
});
