// Node's own module resolution for files that tesseract.js and pdf.js load at run time. Next.js
// (Turbopack, checked with next 16.5) rewrites `createRequire(import.meta.url).resolve("name")` in a
// server bundle into its internal module id, a number, so the call is built through
// process.getBuiltinModule, which bundlers leave alone. Resolving from this module's URL works under
// tsx, vitest and `next start`, because each of them has the project's node_modules above it.
const nodeRequire = process.getBuiltinModule("node:module").createRequire(import.meta.url);

/** Returns the absolute path of a file inside an installed package, such as "pdfjs-dist/package.json". */
export function resolvePackageFile(specifier: string): string {
  return nodeRequire.resolve(specifier);
}
