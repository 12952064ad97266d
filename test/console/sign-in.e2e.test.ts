/**
 * The console's sign-in in a real browser (playwright-core, Debian's chromium) against the real
 * server with access keys: a page without a session goes to the sign-in form, a wrong secret is
 * refused, the right pair opens the console with an HttpOnly SameSite=Strict cookie and nothing in
 * the URL or local storage, names with markup in them render as text, and sign-out ends it.
 * Skipped with a message when /usr/bin/chromium is missing (required with STEPWISE_REQUIRE_BROWSER=1).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CreateStateMachineCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE, sfnClient } from '../support/aws.js';
import { startTestServer, type TestServer } from '../support/server.js';

const CHROMIUM = process.env.STEPWISE_CHROMIUM ?? '/usr/bin/chromium';
const haveBrowser = existsSync(CHROMIUM);
const required = process.env.STEPWISE_REQUIRE_BROWSER === '1';
const ROOT = resolve(import.meta.dirname, '../..');
const TEAM = { accessKeyId: 'AKIDCONSOLE', secretAccessKey: 'console-secret-key', name: 'Console Team' };
/** A state name and comment that would run script if the console rendered them as markup. */
const HOSTILE_STATE = '<img src=x onerror="window.__xss=1">';

if (!haveBrowser && !required)
  console.warn(`console sign-in browser test skipped: no browser at ${CHROMIUM} (apt-get install chromium)`);

/** Builds the console when dist/console is missing or older than console/. */
function ensureConsoleBuilt(): void {
  const index = join(ROOT, 'dist/console/index.html');
  const newest = (dir: string): number =>
    Math.max(
      0,
      ...readdirSync(dir, { withFileTypes: true }).map((e) =>
        e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs,
      ),
    );
  if (existsSync(index) && statSync(index).mtimeMs >= newest(join(ROOT, 'console'))) return;
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'console/vite.config.ts', '--logLevel', 'warn'],
    { cwd: ROOT, stdio: 'inherit' },
  );
}

describe.runIf(haveBrowser || required)('the console sign-in in a browser', () => {
  let server: TestServer;
  let browser: Browser;
  let machineArn = '';

  beforeAll(async () => {
    ensureConsoleBuilt();
    server = await startTestServer({ accessKeys: [TEAM], consoleDir: join(ROOT, 'dist/console') });
    const sdk = sfnClient(server.url, { credentials: TEAM });
    machineArn =
      (
        await sdk.send(
          new CreateStateMachineCommand({
            name: 'hostile-names',
            roleArn: ROLE,
            definition: JSON.stringify({
              Comment: '<script>window.__xss=2</script>',
              StartAt: HOSTILE_STATE,
              States: { [HOSTILE_STATE]: { Type: 'Pass', End: true } },
            }),
          }),
        )
      ).stateMachineArn ?? '';
    await sdk.send(
      new StartExecutionCommand({ stateMachineArn: machineArn, name: 'run-1', input: '{"x":"<b>1</b>"}' }),
    );
    sdk.destroy();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('signs in, keeps the secret out of URLs and storage, renders hostile names as text, and signs out', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const urls: string[] = [];
    page.on('request', (request) => urls.push(request.url()));

    await page.goto(`${server.url}/`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');

    await page.fill('input[name="accessKeyId"]', TEAM.accessKeyId);
    await page.fill('input[name="secretAccessKey"]', 'not-the-secret');
    await page.click('button[type="submit"]');
    await page.waitForSelector('.error');
    expect(await page.textContent('.error')).toContain('do not match');
    expect(await context.cookies()).toEqual([]);

    await page.fill('input[name="secretAccessKey"]', TEAM.secretAccessKey);
    await page.click('button[type="submit"]');
    await page.waitForSelector('text=hostile-names');
    expect(new URL(page.url()).pathname).toBe('/');
    const cookies = await context.cookies();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ name: 'stepwise_session', httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(cookies[0]?.value).not.toContain(TEAM.secretAccessKey);
    expect(await page.evaluate('document.cookie')).toBe(''); // HttpOnly: not readable by script
    await page.waitForSelector(`[data-signed-in="${TEAM.name}"]`);

    // The machine's page: the graph and the definition show the markup as text.
    await page.goto(`${server.url}/#/machines/${encodeURIComponent(machineArn)}`);
    // (A function, not a string: the console's CSP forbids evaluating strings, which this test meets too.)
    await page.waitForFunction(() =>
      (globalThis as unknown as { document: { body: { innerText: string } } }).document.body.innerText.includes(
        'onerror',
      ),
    );
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    expect(await page.locator('img[src="x"]').count()).toBe(0);

    const storage = String(await page.evaluate('JSON.stringify({ ...localStorage, ...sessionStorage })'));
    expect(storage).not.toContain(TEAM.secretAccessKey);
    expect(urls.filter((url) => url.includes(TEAM.secretAccessKey))).toEqual([]);

    await page.click('.sign-out button');
    await page.waitForURL(`${server.url}/console/sign-in`);
    expect(await context.cookies()).toEqual([]);
    // (The sign-in page's own CSP lets it fetch nothing; ask with the context's cookies instead.)
    const after = await context.request.get(`${server.url}/console/api/session`);
    expect(after.status()).toBe(401);
    await context.close();
  }, 60_000);
});
