import type { AuthOptions, User } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { env, exportAuthUrlToNextAuth } from "@/lib/env";
import { log as rootLogger, type Logger } from "@/lib/log";
import { authorizeResident, ResidentSignInError } from "./authorize-resident";
import { authorizeStaff } from "./authorize-staff";
import { usesSecureCookies } from "./cookies";
import type { Actor } from "./types";

declare module "next-auth" {
  interface User {
    actor?: Actor;
  }
  interface Session {
    actor?: Actor;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    actor?: Actor;
  }
}

exportAuthUrlToNextAuth();

// Role or tenant changes reach a signed-in user at the next sign-in, so sessions stay short.
const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

export interface AuthRequestContext {
  requestId: string;
  log: Logger;
  setTenant: (tenantId: string) => void;
}

/**
 * Builds the next-auth options. The route handler passes its request context so the authorize
 * functions log with the request id and report the tenant; server components use `authOptions`.
 */
export function createAuthOptions(context?: AuthRequestContext): AuthOptions {
  const log = context?.log ?? rootLogger;
  const onTenant = context?.setTenant;
  return {
    secret: env().appSecret,
    // Credentials providers only work with JWT sessions in next-auth v4.
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    jwt: { maxAge: SESSION_MAX_AGE_SECONDS },
    useSecureCookies: usesSecureCookies(),
    // Keeps next-auth's built-in pages out of sight; the forms call signIn() with redirect: false.
    pages: { signIn: "/dashboard/signin", error: "/dashboard/signin" },
    providers: [
      CredentialsProvider({
        id: "staff-password",
        name: "Email and password",
        credentials: {
          email: { label: "Email", type: "email" },
          password: { label: "Password", type: "password" },
        },
        authorize: async (credentials) => toUser(await authorizeStaff(credentials, { log, onTenant, requestId: context?.requestId })),
      }),
      CredentialsProvider({
        id: "resident-otp",
        name: "Phone number and one-time code",
        credentials: {
          tenantSlug: { type: "text" },
          phone: { label: "Mobile number", type: "tel" },
          code: { label: "Six-digit code", type: "text" },
          name: { label: "Name", type: "text" },
          locale: { type: "text" },
        },
        authorize: async (credentials) => {
          try {
            return toUser(await authorizeResident(credentials, { log, onTenant }));
          } catch (error) {
            // next-auth turns a thrown error's message into `?error=`; only reason codes may reach it.
            if (error instanceof ResidentSignInError) throw error;
            log.error({ err: error }, "resident sign-in failed unexpectedly");
            throw new Error("internal");
          }
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user?.actor) token.actor = user.actor;
        return token;
      },
      // The session exposes the actor and its expiry only, never the token's other claims.
      session({ session, token }) {
        return { expires: session.expires, actor: token.actor };
      },
    },
    // next-auth keeps one process-wide logger, so it gets the root logger instead of a request's.
    logger: {
      error: (code, metadata) => rootLogger.error({ nextAuthCode: code, err: metadata }, "next-auth error"),
      warn: (code) => rootLogger.warn({ nextAuthCode: code }, "next-auth warning"),
      debug: () => {},
    },
  };
}

/** Options for `getServerSession`; providers are not consulted there. */
export const authOptions: AuthOptions = createAuthOptions();

function toUser(actor: Actor | null): User | null {
  return actor ? { id: actor.userId, name: actor.name, actor } : null;
}
