import { describe, expect, it } from "vitest";
import { twimlResponse } from "./twiml";

describe("twimlResponse", () => {
  it("sends each text as a message, escaped", async () => {
    const response = twimlResponse(["Pipe <burst> & leaking", "Second"]);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/xml; charset=utf-8");
    expect(await response.text()).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Pipe &lt;burst&gt; &amp; leaking</Message><Message>Second</Message></Response>',
    );
  });

  it("acknowledges without a reply", async () => {
    const response = twimlResponse([], 403);
    expect(response.status).toBe(403);
    expect(await response.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
  });
});
