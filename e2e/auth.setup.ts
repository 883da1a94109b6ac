import { expect, test as setup } from "@playwright/test";
import { ACCOUNTS, AUTH_STATE, signInResident, signInStaff } from "./helpers";

setup("sign in Tshwane resident with a one-time code", async ({ page }) => {
  const { slug, typed, phone } = ACCOUNTS.tshwaneResident;
  await signInResident(page, slug, typed, phone);
  await page.goto(`/m/${slug}/reports`);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await page.context().storageState({ path: AUTH_STATE.tshwaneResident });
});

setup("sign in Tshwane agent", async ({ page }) => {
  await signInStaff(page, ACCOUNTS.tshwaneAgent.email);
  await page.context().storageState({ path: AUTH_STATE.tshwaneAgent });
});

setup("sign in Tshwane manager", async ({ page }) => {
  await signInStaff(page, ACCOUNTS.tshwaneManager.email);
  await page.context().storageState({ path: AUTH_STATE.tshwaneManager });
});

setup("sign in Tshwane SAPS liaison", async ({ page }) => {
  await signInStaff(page, ACCOUNTS.tshwaneSaps.email);
  await page.context().storageState({ path: AUTH_STATE.tshwaneSaps });
});

setup("sign in Msunduzi agent", async ({ page }) => {
  await signInStaff(page, ACCOUNTS.msunduziAgent.email);
  await page.context().storageState({ path: AUTH_STATE.msunduziAgent });
});
