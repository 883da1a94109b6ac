import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { usesSecureCookies } from "@/lib/auth/cookies";
import { env } from "@/lib/env";

// Sends signed-out visitors of the staff dashboard to its sign-in page. This is a convenience
// only: pages and lib verbs check the session and role themselves.
export async function proxy(request: NextRequest): Promise<NextResponse> {
  const { pathname, search } = request.nextUrl;
  if (pathname === "/dashboard/signin") return NextResponse.next();

  const token = await getToken({ req: request, secret: env().appSecret, secureCookie: usesSecureCookies() });
  if (token?.actor) return NextResponse.next();

  const signIn = new URL("/dashboard/signin", request.url);
  signIn.searchParams.set("callbackUrl", `${pathname}${search}`);
  return NextResponse.redirect(signIn);
}

export const config = { matcher: ["/dashboard", "/dashboard/:path*"] };
