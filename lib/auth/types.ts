export const ROLES = ["resident", "agent", "manager", "saps_liaison", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** Roles that work in a municipality's dashboard. */
export const STAFF_ROLES = ["agent", "manager", "saps_liaison"] as const satisfies readonly Role[];

/** The signed-in user on whose behalf a verb runs. Every verb in lib/ takes one. */
export interface Actor {
  userId: string;
  tenantId: string;
  tenantSlug: string;
  role: Role;
  name: string;
}

export function isStaff(role: Role): boolean {
  return (STAFF_ROLES as readonly Role[]).includes(role);
}
