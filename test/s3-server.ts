import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";

// Starts s3rver (an S3 emulator) on 127.0.0.1 for tests and benchmarks. s3rver checks request
// signatures against its built-in account, so clients must use S3RVER_CREDENTIALS; it does not
// check presigned POST policies, which tests assert by decoding the policy instead.

export const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;

export interface S3TestServer {
  /** Base URL such as http://127.0.0.1:41234, for `S3_ENDPOINT`. */
  endpoint: string;
  /** Folder holding the emulator's buckets and objects. */
  directory: string;
  close: () => Promise<void>;
}

/** Starts s3rver on a free port with the given buckets created, storing data in a new temporary folder. */
export async function startS3Server(options: { buckets: string[] }): Promise<S3TestServer> {
  // A computed specifier keeps TypeScript from looking for type declarations, which s3rver lacks.
  const moduleName = "s3rver";
  const { default: S3rver } = (await import(moduleName)) as { default: S3rverConstructor };
  const directory = await mkdtemp(path.join(os.tmpdir(), "bika-s3rver-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: options.buckets.map((name) => ({ name })),
  });
  const address = await server.run();
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    directory,
    close: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
