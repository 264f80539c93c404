import type { Page } from 'playwright-core';

const TIMEOUT_MS = 10_000;

/** Opens the UI and signs in through the real sign-in page, as a person would. */
export async function openSignedIn(page: Page, baseUrl: string, user: { username: string; password: string }): Promise<void> {
  await page.goto(baseUrl + '/');
  await fillSignIn(page, user);
  await page.getByTestId('signed-in-as').waitFor({ timeout: TIMEOUT_MS });
}

export async function fillSignIn(page: Page, user: { username: string; password: string }): Promise<void> {
  await page.getByTestId('login-form').waitFor({ timeout: TIMEOUT_MS });
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByTestId('login-submit').click();
}
