import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { AUTH_STATE, signInStaff } from "./helpers";

const PHOTOS = path.resolve(__dirname, "../test/fixtures/photos");
// GPS at the corner of Vilakazi and Ngakane Streets, Soweto. Its pixels are stored landscape with Orientation 6.
const GPS_PHOTO = path.join(PHOTOS, "own_pothole_soweto_gps_orientation6.jpg");
const NO_GPS_PHOTO = path.join(PHOTOS, "recurser_Landscape_3.jpg");

// The steps share one ticket: the resident reports it with the GPS photo, then staff open it.
test.describe.configure({ mode: "serial" });

let ticketReference = "";

async function openReportForm(page: Page): Promise<void> {
  await page.goto("/m/tshwane/report");
  await page.getByLabel("Category").selectOption({ label: "Roads and potholes" });
  await page.getByLabel("Description").fill("Pothole at the corner, photo attached with its location.");
}

async function coordinate(field: Locator): Promise<number> {
  return Number(await field.inputValue());
}

async function openTicket(page: Page): Promise<void> {
  expect(ticketReference, "the resident step must run first").not.toBe("");
  await page.goto("/dashboard");
  await page.getByRole("link", { name: ticketReference }).click();
  await expect(page.getByRole("heading", { name: new RegExp(ticketReference) })).toBeVisible();
}

test.describe("resident", () => {
  test.use({ storageState: AUTH_STATE.tshwaneResident });

  test("uses the location from a photo", async ({ page }) => {
    await openReportForm(page);
    await expect(page.getByLabel("Latitude")).toHaveCount(0);

    await page.locator('input[type="file"]').setInputFiles(GPS_PHOTO);
    const offer = page.getByRole("group", { name: "Use the location from this photo?" });
    await expect(offer).toBeVisible();
    await expect(offer).toContainText("-26.23830, 27.90890");
    await offer.getByRole("button", { name: "Use this location" }).click();

    await expect(offer).toHaveCount(0);
    await expect(page.getByRole("status").filter({ hasText: "is now the location of your report" })).toBeVisible();
    expect(await coordinate(page.getByLabel("Latitude"))).toBeCloseTo(-26.2383, 4);
    expect(await coordinate(page.getByLabel("Longitude"))).toBeCloseTo(27.9089, 4);

    const submit = page.getByRole("button", { name: /submit/i });
    await expect(submit).toBeEnabled({ timeout: 30_000 });
    await submit.click();
    const referenceText = page.getByTestId("ticket-reference");
    await expect(referenceText).toBeVisible();
    ticketReference = (await referenceText.innerText()).trim();
  });

  test("declines the location from a photo", async ({ page }) => {
    await openReportForm(page);
    await page.locator('input[type="file"]').setInputFiles(GPS_PHOTO);
    const offer = page.getByRole("group", { name: "Use the location from this photo?" });
    await offer.getByRole("button", { name: "Don't use it" }).click();

    await expect(offer).toHaveCount(0);
    await expect(page.getByText("The photo's location will not be used.")).toBeVisible();
    await expect(page.getByLabel("Latitude")).toHaveCount(0);
  });

  test("asks for a location when the photo has none", async ({ page }) => {
    await openReportForm(page);
    await page.locator('input[type="file"]').setInputFiles(NO_GPS_PHOTO);

    await expect(page.getByText('We found no location in "recurser_Landscape_3.jpg".', { exact: false })).toBeVisible();
    await expect(page.getByRole("group", { name: "Use the location from this photo?" })).toHaveCount(0);
    // Unknown stays unknown: no coordinates appear, least of all 0, 0.
    await expect(page.getByLabel("Latitude")).toHaveCount(0);
  });
});

test.describe("Tshwane agent", () => {
  test.use({ storageState: AUTH_STATE.tshwaneAgent });

  test("sees an upright processed thumbnail", async ({ page }) => {
    await openTicket(page);

    // Processing runs in the server's job worker, and the page refreshes itself until it is done.
    const thumbnail = page.getByTestId("evidence-thumbnail");
    await expect(thumbnail).toBeVisible({ timeout: 30_000 });
    await expect.poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
    const size = await thumbnail.evaluate((img: HTMLImageElement) => ({ width: img.naturalWidth, height: img.naturalHeight }));
    // Stored 1600 × 1200 with Orientation 6, so the upright thumbnail is portrait: 240 × 320.
    expect(size).toEqual({ width: 240, height: 320 });

    await expect(page.getByText("Processed", { exact: true })).toBeVisible();
    await expect(page.getByRole("link", { name: /Download original/ })).toHaveCount(0);
  });
});

test.describe("Tshwane manager", () => {
  test("downloads the original byte for byte", async ({ page }) => {
    await signInStaff(page, "manager@tshwane.bika.test");
    await openTicket(page);

    const downloading = page.waitForEvent("download");
    await page.getByRole("link", { name: /Download original/ }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe("own_pothole_soweto_gps_orientation6.jpg");
    const received = await readFile((await download.path())!);
    const expected = await readFile(GPS_PHOTO);
    expect(createHash("sha256").update(received).digest("hex")).toBe(createHash("sha256").update(expected).digest("hex"));
  });
});
