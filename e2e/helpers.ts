import { expect, type Page } from "@playwright/test";

export const DEMO_PASSWORD = "bika-demo-2026";

export const ACCOUNTS = {
  tshwaneResident: { slug: "tshwane", phone: "+27825550123", typed: "082 555 0123" },
  tshwaneAgent: { email: "agent@tshwane.bika.test" },
  tshwaneManager: { email: "manager@tshwane.bika.test" },
  tshwaneSaps: { email: "saps@tshwane.bika.test" },
  msunduziAgent: { email: "agent@msunduzi.bika.test" },
} as const;

/** Storage-state files written by the setup project, one per signed-in role. */
export const AUTH_STATE = {
  tshwaneResident: "e2e/.auth/tshwane-resident.json",
  tshwaneAgent: "e2e/.auth/tshwane-agent.json",
  tshwaneManager: "e2e/.auth/tshwane-manager.json",
  tshwaneSaps: "e2e/.auth/tshwane-saps.json",
  msunduziAgent: "e2e/.auth/msunduzi-agent.json",
} as const;

/** Reads the newest one-time code sent to `phone` from the development outbox page. */
export async function readLatestCode(page: Page, phone: string): Promise<string> {
  const outbox = await page.context().newPage();
  try {
    await outbox.goto(`/dev/outbox?recipient=${encodeURIComponent(phone)}`);
    const body = outbox.locator(`tr[data-outbox-message] td[data-column="body"]`).first();
    await expect(body).toBeVisible();
    const match = /\b(\d{6})\b/.exec(await body.innerText());
    if (!match?.[1]) throw new Error(`No six-digit code in the newest outbox message to ${phone}`);
    return match[1];
  } finally {
    await outbox.close();
  }
}

export async function signInResident(page: Page, slug: string, typedPhone: string, phone: string): Promise<void> {
  await page.goto(`/m/${slug}/signin`);
  await page.getByLabel("Mobile number").fill(typedPhone);
  await page.getByRole("button", { name: "Send code" }).click();
  await expect(page.getByLabel("Six-digit code")).toBeVisible();
  const code = await readLatestCode(page, phone);
  await page.getByLabel("Six-digit code").fill(code);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => !url.pathname.endsWith("/signin"));
}

export async function signInStaff(page: Page, email: string): Promise<void> {
  await page.goto("/dashboard/signin");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname === "/dashboard");
}
