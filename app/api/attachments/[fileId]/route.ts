import { z } from "zod";
import { getActor } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { withRoute } from "@/lib/http";
import { getAttachmentUrl } from "@/lib/uploads/get-attachment-url";

export const dynamic = "force-dynamic";

const AttachmentQuery = z.object({
  download: z.enum(["1"], { message: 'must be "1" or absent' }).optional(),
  variant: z.enum(["display", "thumbnail"], { message: 'must be "display" or "thumbnail"' }).optional(),
});

/**
 * Redirects (303) to a short-lived URL for an attachment. `?download=1` requests the original as a
 * download, which is audited and only for the roles allowed to have it. Otherwise an image is shown
 * through its derivative: `?variant=thumbnail` for lists, `?variant=display` (the default) for a
 * full view; a video, audio file or PDF has no derivative and downloads as its original.
 */
export const GET = withRoute<{ fileId: string }>("attachments.get", async (request, context, params) => {
  const actor = await getActor();
  if (!actor) throw new AppError("unauthenticated", "You are not signed in. Sign in and try again.");
  context.setTenant(actor.tenantId);

  const query = AttachmentQuery.parse(Object.fromEntries(request.nextUrl.searchParams));
  const disposition = query.download === "1" ? "attachment" : "inline";
  const url = await getAttachmentUrl(actor, params.fileId, { disposition, variant: query.variant }, { requestId: context.requestId });

  // A relative Location (local driver) is resolved by the browser against this route's URL.
  return new Response(null, { status: 303, headers: { Location: url, "Cache-Control": "no-store" } });
});
