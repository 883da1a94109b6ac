import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Packages that load native binaries, WebAssembly or data files from their own folder at run
  // time must stay in node_modules instead of being bundled.
  serverExternalPackages: ["@electric-sql/pglite", "postgres", "pino", "pino-pretty", "@node-rs/argon2", "sharp", "tesseract.js", "pdfjs-dist", "@tesseract.js-data/eng"],
  poweredByHeader: false,
  experimental: {
    serverActions: { bodySizeLimit: "1mb" },
  },
};

export default nextConfig;
