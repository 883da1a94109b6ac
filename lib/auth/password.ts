import { hash, verify, type Algorithm } from "@node-rs/argon2";

// argon2id with 19 MiB of memory, 2 passes and 1 lane: the minimum OWASP's Password Storage Cheat
// Sheet recommends. The parameters travel inside each hash, so raising them later still verifies
// old hashes.
// `Algorithm` is a const enum in the package's types, which isolatedModules cannot read; 2 is Argon2id.
const ARGON2ID = 2 as Algorithm;
const HASH_OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** Maximum password length in characters, so a huge request body cannot make the server hash megabytes. */
export const MAX_PASSWORD_LENGTH = 1024;

/** Hashes a password with argon2id; returns the PHC string ("$argon2id$v=19$m=19456,t=2,p=1$..."). */
export async function hashPassword(password: string): Promise<string> {
  if (password.length === 0) throw new Error("hashPassword: the password is empty");
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new Error(`hashPassword: the password is longer than ${MAX_PASSWORD_LENGTH} characters`);
  }
  return hash(password, HASH_OPTIONS);
}

/** Checks a password against a stored hash; a malformed hash counts as a mismatch. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the time of one verification on a hash that no password matches, so an unknown email
 * takes about as long to reject as a wrong password.
 */
export async function verifyAgainstDummyHash(password: string): Promise<void> {
  dummyHash ??= hash("no account has this password", HASH_OPTIONS);
  await verifyPassword(await dummyHash, password);
}
