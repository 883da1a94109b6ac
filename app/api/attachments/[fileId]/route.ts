import { getActor } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { withRoute } from "@/lib/http";
import { getAttachmentUrl } from "@/lib/uploads/get-attachment-url";

export const dynamic = "force-dynamic";

/**
 * Redirects (303) to a short-lived URL for an attachment. `?download=1` requests the original as a
 * download, which is audited. `?variant=thumbnail` or no parameter requests an inline view of an image.
 */
export const GET = withRoute<{ fileId: string }>("attachments.get", async (request, context, params) => {
  const actor = await getActor();
  if (!actor) throw new AppError("unauthenticated", "You are not signed in. Sign in and try again.");
  context.setTenant(actor.tenantId);

  const query = request.nextUrl.searchParams;
  const disposition = query.get("download") === "1" ? "attachment" : "inline";
  // NOTE: thumbnails are not generated yet, so `variant=thumbnail` serves the original inline.
  const url = await getAttachmentUrl(actor, params.fileId, { disposition }, { requestId: context.requestId });

  // A relative Location (local driver) is resolved by the browser against this route's URL.
  return new Response(null, { status: 303, headers: { Location: url, "Cache-Control": "no-store" } });
});
