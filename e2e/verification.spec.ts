import path from "node:path";
import { expect, test } from "@playwright/test";
import { AUTH_STATE } from "./helpers";

// A scanned Tshwane statement, so the job runs tesseract.js inside the production build. The holder
// is not the seeded resident, so the name check fails and the manager decides anyway.
const STATEMENT = path.resolve(__dirname, "../test/fixtures/proof-of-residence/tshwane_clean_scan_300dpi.png");
const RESIDENT_NAME = "Thandi Mokoena";
const ADDRESS = { streetNumber: "47", street: "Boekenhout Street", suburb: "Sunnyside", city: "Pretoria", postalCode: "0002" };

// The steps share one verification request: the resident submits it, the manager approves it.
test.describe.configure({ mode: "serial" });

test.describe("resident submits a bill", () => {
  test.use({ storageState: AUTH_STATE.tshwaneResident });

  test("uploads a statement for review", async ({ page }) => {
    await page.goto("/m/tshwane");
    await page.getByRole("link", { name: /Prove your residence/ }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Proof of residence" })).toBeVisible();
    await expect(page.getByTestId("verification-status")).toHaveText("Not verified");

    await page.locator('input[type="file"]').setInputFiles(STATEMENT);
    await expect(page.getByText("tshwane_clean_scan_300dpi.png")).toBeVisible();
    const submit = page.getByRole("button", { name: "Submit for review" });
    await expect(submit).toBeEnabled({ timeout: 30_000 });
    await submit.click();

    await expect(page.getByTestId("verification-status")).toHaveText("Waiting for review");
  });
});

test.describe("manager reviews it", () => {
  test.use({ storageState: AUTH_STATE.tshwaneManager });

  test("approves the statement", async ({ page }) => {
    // OCR of an A4 page at 300 dpi takes several seconds on one core, after the worker's next poll.
    test.setTimeout(180_000);
    await page.goto("/dashboard");
    await page.getByRole("link", { name: "Verifications" }).click();
    await page.getByRole("link", { name: RESIDENT_NAME }).first().click();
    await expect(page.getByRole("heading", { level: 1, name: `Proof of residence: ${RESIDENT_NAME}` })).toBeVisible();

    // The job worker polls every few seconds; reload until the reader has filled in the fields.
    const holder = page.getByLabel(/^Account holder/);
    await expect
      .poll(
        async () => {
          await page.reload();
          return holder.inputValue();
        },
        { timeout: 150_000, intervals: [2_000, 3_000, 5_000] },
      )
      .toContain("MAHLANGU");
    await expect(page.getByRole("row", { name: /Statement date/ })).toContainText("Passed");
    await expect(page.getByRole("row", { name: /Holder name/ })).toContainText("Failed");

    // The manager confirms the address against the document; these are the values printed on it.
    await page.getByLabel(/^Street number/).fill(ADDRESS.streetNumber);
    await page.getByLabel(/^Street \(/).fill(ADDRESS.street);
    await page.getByLabel(/^Suburb/).fill(ADDRESS.suburb);
    await page.getByLabel(/^City/).fill(ADDRESS.city);
    await page.getByLabel(/^Postal code/).fill(ADDRESS.postalCode);

    const download = page.getByRole("link", { name: /Download the original/ });
    await expect(download).toHaveAttribute("href", /\/api\/attachments\/[0-9a-f-]{36}\?download=1$/);
    const response = await page.request.get((await download.getAttribute("href"))!, { maxRedirects: 5 });
    expect(response.status()).toBe(200);
    expect((await response.body()).subarray(1, 4).toString()).toBe("PNG");

    // The holder-name check failed, so approving needs the manager's reason.
    await page.getByRole("button", { name: "Approve" }).click();
    await expect(page.locator("main").getByText(/Give a reason for approving although these checks failed/).first()).toBeVisible();
    await page.getByLabel(/^Reason/).fill("The bill is in the landlord's name; the lease was checked at the office.");
    await page.getByRole("button", { name: "Approve" }).click();
    // The page reloads with the decision in place of the form.
    await expect(page.getByRole("button", { name: "Approve" })).toHaveCount(0);
    await expect(page.getByRole("definition").first()).toHaveText("Approved");
  });
});

test.describe("resident sees the result", () => {
  test.use({ storageState: AUTH_STATE.tshwaneResident });

  test("shows verified with the address", async ({ page }) => {
    await page.goto("/m/tshwane/verify");
    await expect(page.getByTestId("verification-status")).toHaveText("Verified");
    await expect(page.getByTestId("verified-address")).toHaveText("47 Boekenhout Street, Sunnyside, Pretoria, 0002");
    await expect(page.locator('input[type="file"]')).toHaveCount(0);
  });
});
