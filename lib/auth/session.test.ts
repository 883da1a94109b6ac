import { beforeEach, describe, expect, it, vi } from "vitest";
import { AppError } from "@/lib/errors";
import type { Actor } from "./types";

const getServerSession = vi.hoisted(() => vi.fn());
vi.mock("next-auth", async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession }));

const { getActor, requireActor } = await import("./session");
const { requireRole } = await import("./require-role");

const manager: Actor = {
  userId: "0b8f3d5e-3a52-4c59-9f0e-2d7f7c1b6a10",
  tenantId: "5d0c2f1e-8a8b-4c4e-b6f5-7e9a1c3d2b40",
  tenantSlug: "tshwane",
  role: "manager",
  name: "Naledi Khumalo",
};

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
  throw new Error("expected an AppError, but the call succeeded");
}

beforeEach(() => {
  getServerSession.mockReset();
});

describe("getActor", () => {
  it("returns the session's actor", async () => {
    getServerSession.mockResolvedValue({ expires: "2026-03-02T20:00:00Z", actor: manager });
    expect(await getActor()).toEqual(manager);
  });

  it("returns null when signed out", async () => {
    getServerSession.mockResolvedValue(null);
    expect(await getActor()).toBeNull();
  });

  it("returns null for an incomplete actor", async () => {
    getServerSession.mockResolvedValue({ expires: "2026-03-02T20:00:00Z", actor: { ...manager, tenantSlug: undefined } });
    expect(await getActor()).toBeNull();
  });
});

describe("requireActor", () => {
  it("returns an allowed actor", async () => {
    getServerSession.mockResolvedValue({ actor: manager });
    expect(await requireActor({ roles: ["agent", "manager"], tenantSlug: "tshwane" })).toEqual(manager);
  });

  it("unauthenticated without a session", async () => {
    getServerSession.mockResolvedValue(null);
    expect(await codeOf(requireActor())).toBe("unauthenticated");
  });

  it("forbidden for another role", async () => {
    getServerSession.mockResolvedValue({ actor: manager });
    expect(await codeOf(requireActor({ roles: ["saps_liaison"] }))).toBe("forbidden");
  });

  it("not_found for another tenant", async () => {
    getServerSession.mockResolvedValue({ actor: manager });
    expect(await codeOf(requireActor({ tenantSlug: "johannesburg" }))).toBe("not_found");
  });
});

describe("requireRole", () => {
  it("passes a listed role", () => {
    expect(() => requireRole(manager, ["manager"])).not.toThrow();
  });

  it("throws forbidden otherwise", () => {
    expect(() => requireRole(manager, ["resident"])).toThrow(expect.objectContaining({ code: "forbidden" }));
  });
});
