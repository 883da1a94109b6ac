import NextAuth from "next-auth";
import { createAuthOptions } from "@/lib/auth/options";
import { withRoute } from "@/lib/http";

// next-auth's own endpoints (csrf, providers, callback/<provider>, session, signout). Options are
// built per request so the authorize functions log with this request's id and tenant.
const handle = withRoute<{ nextauth: string[] }>("api/auth", async (request, context, params) => {
  const handler = NextAuth(createAuthOptions(context));
  return (await handler(request, { params: Promise.resolve(params) })) as Response;
});

export { handle as GET, handle as POST };
