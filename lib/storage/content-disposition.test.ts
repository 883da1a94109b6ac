import { describe, expect, it } from "vitest";
import { asciiFallback, contentDisposition } from "./content-disposition";

/** Reads `filename*=UTF-8''…` back the way a browser does. */
function decodeFilenameStar(header: string): string | null {
  const match = /filename\*=UTF-8''([^;]+)/i.exec(header);
  return match ? decodeURIComponent(match[1]!) : null;
}

describe("contentDisposition", () => {
  const names = [
    "Munisipale rekening (finaal).pdf",
    "Zoë's bill – Mthatha.pdf",
    "a+b=c.pdf",
    'quote " and back\\slash.jpg',
    "100% done; really.png",
    "ukuBika_isithombe 😀.jpg",
  ];

  it("round-trips every name through filename*", () => {
    for (const name of names) {
      const header = contentDisposition("attachment", name);
      expect(decodeFilenameStar(header), name).toBe(name);
      expect(header.startsWith("attachment; ")).toBe(true);
    }
  });

  it("keeps the encoded value within RFC 5987 attr-char", () => {
    for (const name of names) {
      const encoded = /filename\*=UTF-8''(.+)$/.exec(contentDisposition("inline", name))![1]!;
      expect(encoded, name).toMatch(/^[A-Za-z0-9!#$&+\-.^_`|~%]+$/);
    }
  });

  it("writes a plain ASCII fallback", () => {
    expect(asciiFallback("Zoë's bill – Mthatha.pdf")).toBe("Zoe's bill - Mthatha.pdf");
    expect(asciiFallback('quote " and back\\slash.jpg')).toBe("quote _ and back_slash.jpg");
    expect(asciiFallback("100% done.png")).toBe("100_ done.png");
    expect(asciiFallback("😀")).toBe("__");
    expect(asciiFallback("")).toBe("download");
  });
});
