import { describe, expect, it } from "vitest";
import { LOCALES } from "@/lib/i18n";
import { ALLOWED_TYPES, formatBytes } from "@/lib/uploads/limits";
import { uploaderTranslator } from "./messages";

describe("uploader messages", () => {
  it("state the current size limits", () => {
    for (const locale of LOCALES) {
      const t = uploaderTranslator(locale);
      const evidence = t("limitsEvidence", { max: 5 });
      for (const type of ALLOWED_TYPES.evidence) expect(evidence, `${locale} ${type.contentType}`).toContain(formatBytes(type.maxBytes));
      const proof = t("limitsProof", { max: 2 });
      for (const type of ALLOWED_TYPES.proof_of_residence) expect(proof, `${locale} ${type.contentType}`).toContain(formatBytes(type.maxBytes));
    }
  });

  it("fill in the file name in every language", () => {
    for (const locale of LOCALES) {
      expect(uploaderTranslator(locale)("failedNetwork", { filename: "a+b=c.pdf" })).toContain('"a+b=c.pdf"');
    }
  });
});
