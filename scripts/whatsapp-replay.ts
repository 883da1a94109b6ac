// Posts recorded Twilio webhook requests (test/fixtures/twilio/*.json) to a running Bika exactly as
// recorded: the raw form body and its X-Twilio-Signature. `npm run demo` checks signatures with the
// fixtures' token and URL, so valid fixtures are accepted and the tampered one gets 403.
// Run: npm run whatsapp:replay -- FILE... [--url http://127.0.0.1:3000]
import fs from "node:fs";
import { z } from "zod";

const Fixture = z.object({
  name: z.string(),
  body: z.string(),
  headers: z.object({ "Content-Type": z.string(), "X-Twilio-Signature": z.string() }),
});

function usage(message: string): never {
  console.error(`${message}\nUsage: npm run whatsapp:replay -- FILE... [--url http://127.0.0.1:3000]`);
  process.exit(2);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const urlIndex = args.indexOf("--url");
  const base = urlIndex >= 0 ? args[urlIndex + 1] : `http://127.0.0.1:${process.env.PORT ?? "3000"}`;
  if (!base) usage("--url needs a value.");
  // Without --url, urlIndex is -1 and every argument is a file.
  const files = urlIndex < 0 ? args : args.filter((_, index) => index !== urlIndex && index !== urlIndex + 1);
  if (files.length === 0) usage("Name at least one fixture file.");

  for (const file of files) {
    let fixture: z.infer<typeof Fixture>;
    try {
      fixture = Fixture.parse(JSON.parse(fs.readFileSync(file, "utf8")));
    } catch (error) {
      usage(`${file} is not a webhook fixture: ${error instanceof Error ? error.message : String(error)}`);
    }
    const response = await fetch(new URL("/api/whatsapp/webhook", base), {
      method: "POST",
      headers: { "Content-Type": fixture.headers["Content-Type"], "X-Twilio-Signature": fixture.headers["X-Twilio-Signature"] },
      body: fixture.body,
      redirect: "manual",
    });
    console.log(`${fixture.name}: HTTP ${response.status}`);
    console.log(await response.text());
  }
}

main().catch((error: unknown) => {
  console.error(`Replay failed: ${error instanceof Error ? error.message : String(error)}. Is the demo running?`);
  process.exitCode = 1;
});
