import { describe, expect, it } from "vitest";
import { formatTicketReference, ticketYear } from "./ticket-reference";

describe("ticketYear", () => {
  it("uses South African time at new year", () => {
    // 22:30 UTC on 31 December is 00:30 on 1 January in Johannesburg (UTC+2).
    expect(ticketYear(new Date("2026-12-31T22:30:00Z"))).toBe(2027);
  });

  it("keeps the year before midnight", () => {
    expect(ticketYear(new Date("2026-12-31T21:59:59Z"))).toBe(2026);
  });
});

describe("formatTicketReference", () => {
  it("pads to six digits", () => {
    expect(formatTicketReference("TSH", 2026, 1)).toBe("TSH-2026-000001");
    expect(formatTicketReference("MSU", 2026, 123)).toBe("MSU-2026-000123");
  });

  it("keeps numbers past six digits", () => {
    expect(formatTicketReference("TSH", 2026, 1_234_567)).toBe("TSH-2026-1234567");
  });
});
