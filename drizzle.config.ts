import { defineConfig } from "drizzle-kit";

// Migrations are generated from db/schema and committed. `npm run db:check` regenerates them into
// a scratch folder (DRIZZLE_OUT) to prove the schema and the committed SQL agree.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: process.env.DRIZZLE_OUT ?? "./db/migrations",
});
