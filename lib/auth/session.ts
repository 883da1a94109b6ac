import { getServerSession } from "next-auth";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { authOptions } from "./options";
import { requireRole } from "./require-role";
import { ROLES, type Actor, type Role } from "./types";

// A token written by an older release may lack a field; such a session counts as signed out.
const SessionActor = z.object({
  userId: z.uuid(),
  tenantId: z.uuid(),
  tenantSlug: z.string().min(1),
  role: z.enum(ROLES),
  name: z.string(),
});

/** Returns the signed-in user from the next-auth session cookie, or null (server only). */
export async function getActor(): Promise<Actor | null> {
  const session = await getServerSession(authOptions);
  const parsed = SessionActor.safeParse(session?.actor);
  return parsed.success ? parsed.data : null;
}

/**
 * Returns the signed-in user, or throws AppError. The code is unauthenticated without a session, and
 * forbidden when `roles` is given and the role is not in it. It is not_found when `tenantSlug` is
 * given and is not the user's tenant, so other tenants' pages look absent rather than locked.
 */
export async function requireActor(options: { roles?: readonly Role[]; tenantSlug?: string } = {}): Promise<Actor> {
  const actor = await getActor();
  if (!actor) throw new AppError("unauthenticated", "You are not signed in. Sign in and try again.");
  if (options.roles) requireRole(actor, options.roles);
  if (options.tenantSlug !== undefined && options.tenantSlug !== actor.tenantSlug) {
    throw new AppError("not_found", `Nothing was found at this address for your municipality (${actor.tenantSlug}).`);
  }
  return actor;
}
