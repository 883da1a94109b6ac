import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decodeTicketCursor, encodeTicketCursor } from "./ticket-cursor";

describe("ticket cursor", () => {
  it("round-trips", () => {
    const cursor = { createdAt: "2026-03-01T08:15:30.123456Z", id: randomUUID() };
    expect(decodeTicketCursor(encodeTicketCursor(cursor))).toEqual(cursor);
  });

  it("is base64url", () => {
    const text = encodeTicketCursor({ createdAt: "2026-03-01T08:15:30.123456Z", id: randomUUID() });
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it("rejects malformed text", () => {
    const cases = {
      "not base64 JSON": "%%%",
      "JSON of the wrong shape": Buffer.from(JSON.stringify({ page: 2 })).toString("base64url"),
      "millisecond time": Buffer.from(JSON.stringify({ createdAt: "2026-03-01T08:15:30.123Z", id: randomUUID() })).toString("base64url"),
      "id not a UUID": Buffer.from(JSON.stringify({ createdAt: "2026-03-01T08:15:30.123456Z", id: "1 or 1=1" })).toString("base64url"),
    };
    for (const [name, text] of Object.entries(cases)) {
      expect(() => decodeTicketCursor(text), name).toThrow(expect.objectContaining({ code: "invalid_input" }));
    }
  });
});
