import path from "node:path";
import { expect, test } from "@playwright/test";
import { AUTH_STATE } from "./helpers";

const POTHOLE_PHOTO = path.resolve(__dirname, "../test/fixtures/photos/own_pothole_soweto_gps_orientation6.jpg");

// The three steps share one ticket: the resident creates it, then staff of each municipality open it.
test.describe.configure({ mode: "serial" });

let reference = "";
let ticketPath = "";

test.describe("resident", () => {
  test.use({ storageState: AUTH_STATE.tshwaneResident });

  test("reports a pothole with a photo", async ({ page }) => {
    await page.goto("/m/tshwane/report");
    await page.getByLabel("Category").selectOption({ label: "Roads and potholes" });
    await page.getByLabel("Description").fill("Deep pothole in the left lane, cars swerve into oncoming traffic.");
    await page.getByLabel("Street address or landmark").fill("Vilakazi Street and Ngakane Street, Orlando West");

    await page.locator('input[type="file"]').setInputFiles(POTHOLE_PHOTO);
    await expect(page.getByText("own_pothole_soweto_gps_orientation6.jpg", { exact: true })).toBeVisible();
    const submit = page.getByRole("button", { name: /submit/i });
    await expect(submit).toBeEnabled({ timeout: 30_000 });
    await submit.click();

    const shown = page.getByTestId("ticket-reference");
    await expect(shown).toBeVisible();
    reference = (await shown.innerText()).trim();
    expect(reference).toMatch(/^TSH-\d{4}-\d{6}$/);

    await page.goto("/m/tshwane/reports");
    await expect(page.getByText(reference)).toBeVisible();
  });
});

test.describe("Tshwane agent", () => {
  test.use({ storageState: AUTH_STATE.tshwaneAgent });

  test("sees the ticket with its thumbnail", async ({ page }) => {
    expect(reference, "the resident step must run first").not.toBe("");
    await page.goto("/dashboard");
    await page.getByRole("link", { name: reference }).click();
    await expect(page.getByRole("heading", { name: new RegExp(reference) })).toBeVisible();
    ticketPath = new URL(page.url()).pathname;

    const thumbnail = page.locator('img[src*="/api/attachments/"]').first();
    await expect(thumbnail).toBeVisible();
    // The image must really have loaded through the authorizing route, not just be in the markup.
    await expect.poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);

    await page.getByLabel("New status").selectOption({ label: "In progress" });
    await page.getByLabel(/^Note/).fill("Roads crew from the Soshanguve depot; internal note.");
    await page.getByRole("button", { name: "Change status" }).click();
    await expect(page.getByRole("status")).toHaveText("Status changed to In progress.");
  });
});

test.describe("Msunduzi agent", () => {
  test.use({ storageState: AUTH_STATE.msunduziAgent });

  test("cannot open a Tshwane ticket", async ({ page }) => {
    expect(ticketPath, "the Tshwane agent step must run first").not.toBe("");
    const response = await page.goto(ticketPath);
    expect(response?.status()).toBe(404);
    await expect(page.getByText(reference)).toHaveCount(0);
  });
});

test.describe("resident, later", () => {
  test.use({ storageState: AUTH_STATE.tshwaneResident });

  test("follows the report to its progress", async ({ page }) => {
    expect(ticketPath, "the Tshwane agent step must run first").not.toBe("");
    await page.goto("/m/tshwane/reports");
    await page.getByRole("link", { name: reference }).click();

    await expect(page.getByRole("heading", { name: `Report ${reference}` })).toBeVisible();
    await expect(page.getByText("Deep pothole in the left lane")).toBeVisible();
    await expect(page.getByRole("listitem").filter({ hasText: "In progress" })).toBeVisible();
    await expect(page.getByText("own_pothole_soweto_gps_orientation6.jpg")).toBeVisible();
    const thumbnail = page.locator('img[src*="/api/attachments/"]').first();
    await expect.poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
    // Staff notes stay with staff. The resident is shown the status only.
    await expect(page.getByText("Soshanguve depot")).toHaveCount(0);
  });
});
