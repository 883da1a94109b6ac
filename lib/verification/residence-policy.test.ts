import { describe, expect, it } from "vitest";
import { residencePolicyBlock } from "./residence-policy";

describe("residencePolicyBlock", () => {
  it("allows everyone without the policy", () => {
    expect(residencePolicyBlock({}, "unverified")).toBeNull();
    expect(residencePolicyBlock({ requireVerifiedResidence: false }, "rejected")).toBeNull();
  });

  it("allows verified residents under the policy", () => {
    expect(residencePolicyBlock({ requireVerifiedResidence: true }, "verified")).toBeNull();
  });

  it("blocks the rest under the policy", () => {
    expect(residencePolicyBlock({ requireVerifiedResidence: true }, "unverified")).toBe("required");
    expect(residencePolicyBlock({ requireVerifiedResidence: true }, "rejected")).toBe("required");
    expect(residencePolicyBlock({ requireVerifiedResidence: true }, "pending")).toBe("pending");
  });
});
