import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { closeOcrPool, createOcrPool, getOcrPool, resolveTesseractPaths } from "./ocr-pool";

const ROOT = path.join(__dirname, "..", "..");
const TIMEOUT = 120_000;

async function textImage(text: string): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="140"><text x="30" y="90" font-size="60" font-family="DejaVu Sans">${text}</text></svg>`;
  return sharp({ create: { width: 900, height: 140, channels: 3, background: "#ffffff" } })
    .composite([{ input: Buffer.from(svg) }])
    .png()
    .toBuffer();
}

function words(result: { lines: { words: { text: string }[] }[] }): string {
  return result.lines.flatMap((line) => line.words.map((word) => word.text)).join(" ");
}

describe("resolveTesseractPaths", () => {
  it("points at installed packages", () => {
    const { workerPath, langPath } = resolveTesseractPaths();
    expect(workerPath).toContain(path.join("node_modules", "tesseract.js"));
    expect(existsSync(workerPath)).toBe(true);
    expect(langPath).toContain(path.join("node_modules", "@tesseract.js-data", "eng"));
    expect(existsSync(path.join(langPath, "eng.traineddata.gz"))).toBe(true);
  });
});

describe("createOcrPool", () => {
  it.each([0, 1.5, 17, Number.NaN])("rejects size %s", async (size) => {
    await expect(createOcrPool({ size })).rejects.toThrow(AppError);
    await expect(createOcrPool({ size })).rejects.toThrow(/OCR pool size/);
  });

  it(
    "reads text and closes",
    async () => {
      const pool = await createOcrPool({ size: 2 });
      expect(pool.size).toBe(2);
      expect(pool.usable).toBe(true);
      const [first, second] = await Promise.all([pool.recognize(await textImage("Statement 2026")), pool.recognize(await textImage("Account 5004"))]);
      expect(words(first!)).toContain("Statement");
      expect(words(second!)).toContain("5004");
      expect(first!.confidence).toBeGreaterThan(0.8);
      expect(first!.lines[0]?.words[0]?.box.x1).toBeGreaterThan(first!.lines[0]?.words[0]?.box.x0 ?? Infinity);

      await pool.close();
      expect(pool.usable).toBe(false);
      await expect(pool.recognize(await textImage("late"))).rejects.toMatchObject({ code: "unavailable" });
      await pool.close();
    },
    TIMEOUT,
  );

  it(
    "reports an image tesseract cannot read",
    async () => {
      const pool = await createOcrPool({ size: 1 });
      try {
        await expect(pool.recognize(Buffer.from("not an image"))).rejects.toThrow(AppError);
        expect(words(await pool.recognize(await textImage("Still working")))).toContain("working");
      } finally {
        await pool.close();
      }
    },
    TIMEOUT,
  );
});

describe("getOcrPool", () => {
  afterAll(async () => {
    await closeOcrPool();
  });

  it(
    "starts one pool and restarts it after closing",
    async () => {
      const first = await getOcrPool({ size: 1 });
      expect(await getOcrPool({ size: 3 })).toBe(first);
      await closeOcrPool();
      expect(first.usable).toBe(false);
      const second = await getOcrPool();
      expect(second).not.toBe(first);
      expect(second.usable).toBe(true);
    },
    TIMEOUT,
  );
});

// The pool runs in a child process with the network cut off: a new network namespace (unshare -n,
// where the machine allows it) and a preload that makes every connection, lookup and fetch throw and
// report itself. The child's working directory is an empty folder that must stay empty, because
// tesseract.js by default writes the language model it downloads into the working directory.
describe("offline", () => {
  let folder: string;

  beforeAll(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), "bika-ocr-offline-"));
  });

  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it(
    "reads text without the network",
    async () => {
      const image = path.join(os.tmpdir(), `bika-ocr-offline-${process.pid}.png`);
      await writeFile(image, await textImage("Statement 2026"));
      const tsx = path.join(path.dirname(createRequire(__filename).resolve("tsx/package.json")), "dist", "loader.mjs");
      const node = [
        "--require",
        path.join(__dirname, "testing", "block-network.cjs"),
        "--import",
        tsx,
        path.join(__dirname, "testing", "ocr-offline-child.ts"),
        image,
      ];
      const isolated = spawnSync("unshare", ["-n", "true"]).status === 0;
      const [command, args] = isolated ? ["unshare", ["-n", process.execPath, ...node]] : [process.execPath, node];

      const child = spawnSync(command, args, {
        cwd: folder,
        encoding: "utf8",
        timeout: 90_000,
        env: { ...process.env, TSX_TSCONFIG_PATH: path.join(ROOT, "tsconfig.json"), LOG_LEVEL: "warn" },
      });
      await rm(image, { force: true });

      expect(child.stderr).not.toContain("NETWORK ATTEMPT");
      expect(child.status, child.stderr).toBe(0);
      const output = JSON.parse(child.stdout) as { text: string; confidence: number };
      expect(output.text).toContain("Statement 2026");
      expect(await readdir(folder)).toEqual([]);
    },
    TIMEOUT,
  );
});
