import { AppError } from "@/lib/errors";
import type { Actor, Role } from "./types";

/** Throws AppError forbidden unless the actor has one of the roles. */
export function requireRole(actor: Actor, roles: readonly Role[]): void {
  if (!roles.includes(actor.role)) {
    throw new AppError("forbidden", `You are signed in as ${actor.role}, and this needs one of: ${roles.join(", ")}.`);
  }
}
