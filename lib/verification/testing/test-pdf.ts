import { createHash } from "node:crypto";

// Builds small PDFs for tests: pages of text, pages that are one JPEG (a scan), and an /Encrypt
// entry in the trailer. The layout follows the PDF 1.4 file structure: objects, a cross-reference
// table with byte offsets, and a trailer. Nothing is compressed, so the files are easy to inspect.

export type TestPdfPage =
  /**
   * A line given as several strings is shown piece by piece, alternating between Helvetica and
   * Times. pdf.js then reports each piece as its own text item, as it does for some producers'
   * kerning and font changes.
   */
  | { kind: "text"; lines: (string | string[])[] }
  | { kind: "jpeg"; jpeg: Buffer; width: number; height: number; channels: 1 | 3 };

export interface TestPdfOptions {
  pages: TestPdfPage[];
  /**
   * Adds a Standard security handler (revision 2, 40-bit RC4) to the trailer. With "password" the
   * user-password check fails for every password. With "owner-only" the empty user password is
   * valid, so readers open the file without asking. The content itself is left unencrypted.
   */
  encryption?: "password" | "owner-only";
}

/** A4 in PDF units (1/72 inch). */
const PAGE_WIDTH = 595;
const PAGE_HEIGHT = 842;

export function buildTestPdf(options: TestPdfOptions): Buffer {
  const objects: Buffer[] = [];
  const add = (body: Buffer | string): number => {
    objects.push(typeof body === "string" ? Buffer.from(body, "latin1") : body);
    return objects.length;
  };

  add("<< /Type /Catalog /Pages 2 0 R >>");
  add("PAGES-PLACEHOLDER");
  const font = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  const secondFont = add("<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>");

  const pageIds: number[] = [];
  for (const page of options.pages) {
    if (page.kind === "text") {
      const operators = page.lines
        .map((line, index) => {
          const pieces = (typeof line === "string" ? [line] : line)
            .map((piece, pieceIndex) => `/F${(pieceIndex % 2) + 1} 11 Tf (${escapeText(piece)}) Tj`)
            .join(" ");
          return `BT 56 ${PAGE_HEIGHT - 72 - index * 16} Td ${pieces} ET`;
        })
        .join("\n");
      const content = add(stream("", Buffer.from(operators, "latin1")));
      pageIds.push(
        add(
          `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_WIDTH} ${PAGE_HEIGHT}] /Resources << /Font << /F1 ${font} 0 R /F2 ${secondFont} 0 R >> >> /Contents ${content} 0 R >>`,
        ),
      );
    } else {
      const colourSpace = page.channels === 1 ? "/DeviceGray" : "/DeviceRGB";
      const image = add(
        stream(
          `/Type /XObject /Subtype /Image /Width ${page.width} /Height ${page.height} /ColorSpace ${colourSpace} /BitsPerComponent 8 /Filter /DCTDecode`,
          page.jpeg,
        ),
      );
      const content = add(stream("", Buffer.from(`q ${PAGE_WIDTH} 0 0 ${PAGE_HEIGHT} 0 0 cm /Im1 Do Q`, "latin1")));
      pageIds.push(
        add(
          `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_WIDTH} ${PAGE_HEIGHT}] /Resources << /XObject << /Im1 ${image} 0 R >> >> /Contents ${content} 0 R >>`,
        ),
      );
    }
  }
  objects[1] = Buffer.from(`<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(" ")}] /Count ${pageIds.length} >>`, "latin1");

  const id = "0123456789abcdef0123456789abcdef";
  let encrypt: number | null = null;
  if (options.encryption) {
    const owner = Buffer.alloc(32, 0x11);
    const user = options.encryption === "owner-only" ? userEntryForEmptyPassword(owner, PERMISSIONS, Buffer.from(id, "hex")) : Buffer.alloc(32, 0x22);
    encrypt = add(`<< /Filter /Standard /V 1 /R 2 /O <${owner.toString("hex")}> /U <${user.toString("hex")}> /P ${PERMISSIONS} >>`);
  }

  const chunks: Buffer[] = [Buffer.from("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "latin1")];
  let offset = chunks[0]?.length ?? 0;
  const offsets: number[] = [];
  objects.forEach((body, index) => {
    const chunk = Buffer.concat([Buffer.from(`${index + 1} 0 obj\n`, "latin1"), body, Buffer.from("\nendobj\n", "latin1")]);
    offsets.push(offset);
    chunks.push(chunk);
    offset += chunk.length;
  });

  const xref = [
    "xref",
    `0 ${objects.length + 1}`,
    "0000000000 65535 f ",
    ...offsets.map((value) => `${String(value).padStart(10, "0")} 00000 n `),
  ].join("\n");
  const trailer = [
    "trailer",
    `<< /Size ${objects.length + 1} /Root 1 0 R${encrypt === null ? "" : ` /Encrypt ${encrypt} 0 R`} /ID [<${id}> <${id}>] >>`,
    "startxref",
    String(offset),
    "%%EOF",
    "",
  ].join("\n");
  chunks.push(Buffer.from(`${xref}\n${trailer}`, "latin1"));
  return Buffer.concat(chunks);
}

/** Permission flags: printing and copying forbidden. */
const PERMISSIONS = -44;

/** The 32-byte padding string of the PDF Standard security handler (PDF 1.4, algorithm 3.2). */
const PASSWORD_PADDING = Buffer.from("28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a", "hex");

// Algorithms 3.2 and 3.4 of PDF 1.4 for revision 2: the file key is the first 5 bytes of
// MD5(padded password, O, P as little-endian 32-bit, first ID), and U is the padding encrypted with it.
function userEntryForEmptyPassword(owner: Buffer, permissions: number, fileId: Buffer): Buffer {
  const p = Buffer.alloc(4);
  p.writeInt32LE(permissions);
  const key = createHash("md5").update(PASSWORD_PADDING).update(owner).update(p).update(fileId).digest().subarray(0, 5);
  return rc4(key, PASSWORD_PADDING);
}

function rc4(key: Buffer, data: Buffer): Buffer {
  const state = Array.from({ length: 256 }, (_, index) => index);
  let j = 0;
  for (let i = 0; i < 256; i += 1) {
    j = (j + (state[i] ?? 0) + (key[i % key.length] ?? 0)) % 256;
    [state[i], state[j]] = [state[j] ?? 0, state[i] ?? 0];
  }
  const output = Buffer.alloc(data.length);
  let i = 0;
  j = 0;
  for (let index = 0; index < data.length; index += 1) {
    i = (i + 1) % 256;
    j = (j + (state[i] ?? 0)) % 256;
    [state[i], state[j]] = [state[j] ?? 0, state[i] ?? 0];
    output[index] = (data[index] ?? 0) ^ (state[((state[i] ?? 0) + (state[j] ?? 0)) % 256] ?? 0);
  }
  return output;
}

function stream(dictionary: string, data: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(`<< ${dictionary} /Length ${data.length} >>\nstream\n`, "latin1"),
    data,
    Buffer.from("\nendstream", "latin1"),
  ]);
}

function escapeText(text: string): string {
  return text.replace(/[\\()]/g, (character) => `\\${character}`);
}
