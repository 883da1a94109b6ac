import { describe, expect, it } from "vitest";
import { firstParam, parseFormBody, toSignatureParams } from "./form-body";

describe("parseFormBody", () => {
  it("keeps repeated names in order", () => {
    expect(parseFormBody("Tag=b&Body=hi&Tag=a")).toEqual([
      ["Tag", "b"],
      ["Body", "hi"],
      ["Tag", "a"],
    ]);
  });

  it("decodes plus as space and %2B as plus", () => {
    expect(parseFormBody("From=whatsapp%3A%2B27825550101&Body=Burst+pipe+%2B+flooding")).toEqual([
      ["From", "whatsapp:+27825550101"],
      ["Body", "Burst pipe + flooding"],
    ]);
  });

  it("keeps empty values", () => {
    expect(parseFormBody("Body=&NumMedia=0")).toEqual([
      ["Body", ""],
      ["NumMedia", "0"],
    ]);
  });
});

describe("toSignatureParams", () => {
  it("groups repeated names into a list", () => {
    expect(toSignatureParams(parseFormBody("Tag=b&Body=hi&Tag=a"))).toEqual({ Tag: ["b", "a"], Body: "hi" });
  });
});

describe("firstParam", () => {
  it("returns the first value or undefined", () => {
    const params = parseFormBody("Tag=b&Tag=a");
    expect(firstParam(params, "Tag")).toBe("b");
    expect(firstParam(params, "Body")).toBeUndefined();
  });
});
