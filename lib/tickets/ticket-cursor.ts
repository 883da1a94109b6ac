import { z } from "zod";
import { AppError } from "@/lib/errors";

/**
 * Position after the last ticket of a page. `createdAt` keeps PostgreSQL's microseconds as text,
 * because a JavaScript Date would round them to milliseconds and the next page would skip or
 * repeat tickets created within the same millisecond.
 */
const TicketCursor = z.object({
  createdAt: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/),
  id: z.uuid(),
});
export type TicketCursor = z.infer<typeof TicketCursor>;

/** Encodes a cursor as opaque base64url text for a query string. */
export function encodeTicketCursor(cursor: TicketCursor): string {
  return Buffer.from(JSON.stringify(cursor), "utf8").toString("base64url");
}

/** Decodes a cursor made by `encodeTicketCursor`, or throws invalid_input. */
export function decodeTicketCursor(text: string): TicketCursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch (error) {
    throw invalidCursor(text, error);
  }
  const parsed = TicketCursor.safeParse(value);
  if (!parsed.success) throw invalidCursor(text, parsed.error);
  return parsed.data;
}

function invalidCursor(text: string, cause: unknown): AppError {
  const shown = text.length > 40 ? `${text.slice(0, 40)}...` : text;
  return new AppError("invalid_input", `The page cursor ${JSON.stringify(shown)} is not valid. Start again from the first page.`, {
    cause,
    fieldErrors: { cursor: ["Start again from the first page."] },
  });
}
