import { withRoute } from "@/lib/http";
import { receiveLocalUpload } from "@/lib/storage/local-upload";

// Presigned POST target of the local storage driver; with S3 configured it returns 404.
export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const POST = withRoute("storage.upload", async (request, context) => receiveLocalUpload(request, context.log));
