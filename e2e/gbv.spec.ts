import { expect, test, type Page } from "@playwright/test";
import { AUTH_STATE } from "./helpers";

// One confidential report goes through the whole path: the resident files it (and later leaves
// with quick exit), a manager gets only the generic text, and the SAPS liaison reveals it.
test.describe.configure({ mode: "serial" });

const TYPED = {
  account: "Mandlenkosi locked me in the bedroom and smashed my cellphone against the wardrobe.",
  when: "Friday night around eleven",
  place: "Soshanguve Block VV, house behind the tuckshop",
  contactDetails: "SMS my sister Nomvula on weekday mornings only",
};
const TYPED_WORDS = ["Mandlenkosi", "wardrobe", "Soshanguve", "tuckshop", "Nomvula"];

let reference = "";

async function expectNoTypedWords(page: Page): Promise<void> {
  const text = await page.locator("body").innerText();
  for (const word of TYPED_WORDS) expect(text, word).not.toContain(word);
}

test.describe("resident", () => {
  test.use({ storageState: AUTH_STATE.tshwaneResident });

  test("submits a confidential report", async ({ page }) => {
    await page.goto("/m/tshwane/report");
    await page.getByRole("link", { name: /confidential report form/i }).click();
    await expect(page).toHaveURL(/\/m\/tshwane\/report\/confidential$/);

    const numbers = page.getByTestId("emergency-numbers");
    await expect(numbers).toContainText("10111");
    await expect(numbers).toContainText("0800 428 428");
    const numbersBeforeForm = await numbers.evaluate(
      (element) => (element.compareDocumentPosition(document.querySelector("form.report-form")!) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0,
    );
    expect(numbersBeforeForm).toBe(true);

    const form = page.locator("form.report-form");
    await expect(form).toHaveAttribute("autocomplete", "off");
    await page.getByLabel("What happened?").fill(TYPED.account);
    await page.getByLabel("When did it happen?").fill(TYPED.when);
    await page.getByLabel("Where did it happen?").fill(TYPED.place);
    await page.getByLabel("Safe way to contact you").selectOption({ label: "SMS" });
    await page.getByLabel("Number, times or other details").fill(TYPED.contactDetails);
    for (const field of await form.locator("input:not([type=file]), textarea, select").all()) {
      await expect(field).toHaveAttribute("autocomplete", "off");
    }

    await page.getByRole("button", { name: "Send confidential report" }).click();
    const shown = page.getByTestId("ticket-reference");
    await expect(shown).toBeVisible();
    reference = (await shown.innerText()).trim();
    expect(reference).toMatch(/^TSH-\d{4}-\d{6}$/);
    await expect(page).toHaveURL(/\/report\/confidential\/submitted\?ref=/);
    await expect(page.getByTestId("emergency-numbers")).toContainText("10111");
    await expectNoTypedWords(page);

    const stored = await page.evaluate(() =>
      [localStorage, sessionStorage].flatMap((storage) => Object.keys(storage).map((key) => `${key}=${storage.getItem(key)}`)).join("\n"),
    );
    for (const word of TYPED_WORDS) expect(stored, word).not.toContain(word);

    // The confirmation replaced the form in the history, so going back skips it.
    await page.goBack();
    await expect(page).toHaveURL(/\/m\/tshwane\/report$/);
    await expect(page.getByLabel("What happened?")).toHaveCount(0);
  });

  test("quick exit on a second visit", async ({ page }) => {
    expect(reference, "the report step must run first").not.toBe("");
    await page.goto("/m/tshwane/reports");
    await page.goto("/m/tshwane/report/confidential");
    await page.getByLabel("What happened?").fill("Someone is coming into the room");

    await page.getByRole("button", { name: "Quick exit" }).click();
    await expect(page).toHaveURL(/\/water-tips$/);
    await expect(page.getByRole("heading", { name: "Saving water at home" })).toBeVisible();
    await expect(page).toHaveTitle("Saving water at home");

    await page.goBack();
    await expect(page).toHaveURL(/\/m\/tshwane\/reports$/);
    await expect(page.getByLabel("What happened?")).toHaveCount(0);
    await expect(page.getByText("Someone is coming into the room")).toHaveCount(0);
  });

  test("escape twice leaves the page", async ({ page }) => {
    await page.goto("/m/tshwane");
    await page.goto("/m/tshwane/report/confidential");
    await page.getByLabel("What happened?").click();

    await page.keyboard.press("Escape");
    await page.keyboard.press("Escape");
    await expect(page).toHaveURL(/\/water-tips$/);

    await page.goBack();
    await expect(page).toHaveURL(/\/m\/tshwane$/);
  });
});

test.describe("Tshwane manager", () => {
  test.use({ storageState: AUTH_STATE.tshwaneManager });

  test("sees only the generic text", async ({ page }) => {
    expect(reference, "the report step must run first").not.toBe("");
    await page.goto("/dashboard");
    const row = page.getByRole("row", { name: new RegExp(reference) });
    await expect(row).toContainText("GBV incident report");
    await row.getByRole("link", { name: reference }).click();

    await expect(page.getByRole("heading", { name: new RegExp(reference) })).toBeVisible();
    await expect(page.getByText("GBV incident report")).toBeVisible();
    await expect(page.getByText("0 files")).toBeVisible();
    await expect(page.getByRole("button", { name: "Reveal details" })).toHaveCount(0);
    await expectNoTypedWords(page);
  });
});

test.describe("Tshwane SAPS liaison", () => {
  test.use({ storageState: AUTH_STATE.tshwaneSaps });

  test("reveals the account with a reason", async ({ page }) => {
    expect(reference, "the report step must run first").not.toBe("");
    await page.goto("/dashboard");
    await page.getByRole("row", { name: new RegExp(reference) }).getByRole("link", { name: reference }).click();
    await expect(page.getByRole("heading", { name: new RegExp(reference) })).toBeVisible();
    await expectNoTypedWords(page);

    await page.getByRole("button", { name: "Reveal details" }).click();
    await expect(page.locator("#reveal-error")).toContainText("State why you need to see the details");
    await expectNoTypedWords(page);

    const reason = "Docket 412/05/2026 opened at Soshanguve SAPS; arranging a safe call-back";
    await page.getByLabel("Reason for revealing the details").fill(reason);
    await page.getByRole("button", { name: "Reveal details" }).click();
    const revealed = page.getByTestId("revealed-details");
    await expect(revealed).toContainText(TYPED.account);
    await expect(revealed).toContainText(TYPED.when);
    await expect(revealed).toContainText(TYPED.place);
    await expect(revealed).toContainText("SMS");
    await expect(revealed).toContainText(TYPED.contactDetails);

    await page.getByRole("button", { name: "Hide details" }).click();
    await expect(page.getByText(TYPED.account)).toHaveCount(0);

    await page.getByRole("link", { name: "Audit log" }).click();
    const event = page.getByRole("row", { name: new RegExp(reference) }).first();
    await expect(event).toContainText("Revealed confidential details");
    await expect(event).toContainText(reason);
    await expect(event).toContainText("Nomsa Khumalo");
  });
});
