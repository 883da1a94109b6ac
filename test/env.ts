import { resetEnvForTests } from "@/lib/env";

/**
 * Sets environment variables for a test (undefined removes one) and reparses the configuration.
 * Returns a function that puts every variable back as it was and reparses again.
 */
export function overrideEnv(overrides: Record<string, string | undefined>): () => void {
  const saved = Object.fromEntries(Object.keys(overrides).map((name) => [name, process.env[name]]));
  apply(overrides);
  return () => apply(saved);
}

/** Runs `fn` with the overrides in place, and restores the environment however it ends. */
export async function withEnv<T>(overrides: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const restore = overrideEnv(overrides);
  try {
    return await fn();
  } finally {
    restore();
  }
}

function apply(values: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  resetEnvForTests();
}
