import { describe, expect, it } from "vitest";
import { safeCallbackPath } from "./callback-url";

describe("safeCallbackPath", () => {
  it.each([
    ["/dashboard", "/dashboard"],
    ["/m/tshwane/report?category=water", "/m/tshwane/report?category=water"],
    ["/dashboard/tickets/1#history", "/dashboard/tickets/1#history"],
  ])("keeps %s", (value, expected) => {
    expect(safeCallbackPath(value, "/fallback")).toBe(expected);
  });

  it.each([
    ["absolute URL", "https://evil.example/phish"],
    ["protocol-relative", "//evil.example/phish"],
    ["backslash", "/\\evil.example"],
    ["tab inside", "/\t/evil.example"],
    ["javascript", "javascript:alert(1)"],
    ["relative", "dashboard"],
    ["empty", ""],
    ["not a string", ["/dashboard"]],
    ["missing", undefined],
  ])("rejects %s", (_name, value) => {
    expect(safeCallbackPath(value, "/fallback")).toBe("/fallback");
  });
});
