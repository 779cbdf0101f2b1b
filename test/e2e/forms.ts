import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';

/**
 * Picks an option of an antd Select and checks that the select now shows it. Under load the
 * drop-down's opening animation can swallow a click, which once created a user with the default
 * role; the choice is therefore confirmed, and tried again when it did not take.
 */
export async function chooseOption(page: Page, within: Locator, label: string, option: string): Promise<void> {
  const shown = within.locator('.ant-form-item', { hasText: label }).locator('.ant-select-content');
  for (let attempt = 1; ; attempt += 1) {
    await within.getByLabel(label).click();
    await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').getByTitle(option, { exact: true }).click({ timeout: 10_000 });
    try {
      await expect.poll(() => shown.textContent(), { timeout: 3_000 }).toBe(option);
      return;
    } catch (error) {
      if (attempt === 3) throw error;
      await page.keyboard.press('Escape');
    }
  }
}
