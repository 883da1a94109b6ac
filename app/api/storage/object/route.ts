import { withRoute } from "@/lib/http";
import { serveLocalObject } from "@/lib/storage/local-object";

// Presigned GET target of the local storage driver; with S3 configured it returns 404.
export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = withRoute("storage.object", async (request) => serveLocalObject(request));
