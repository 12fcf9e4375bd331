// Browser tests: Debian's chromium driven by playwright-core against the built UI, served with the
// REST and live-tail contract played from recorded history (e2e/fixture-server.mjs).
//   npm run test:browser                 screenshots go to target/screenshots
//   npm run test:browser -- --docs       screenshots go to ../docs/ui (the README's pictures)
// Every wait is for a condition with a generous deadline; nothing asserts on timing.
import { chromium } from 'playwright-core';
import { mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFixtureServer, TOKEN } from './fixture-server.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const shots = process.argv.includes('--docs') ? join(here, '../../docs/ui') : join(here, '../target/screenshots');
const browserPath = process.env.CHROMIUM ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(existsSync);
const WAIT = 30_000;

if (!browserPath) {
  console.error('chromium is not installed: run hack/chromium.sh');
  process.exit(2);
}
if (!existsSync(join(here, '../target/classes/META-INF/resources/ui/index.html'))) {
  console.error('the UI is not built: run npm run build');
  process.exit(2);
}
mkdirSync(shots, { recursive: true });

const server = await startFixtureServer({ lineIntervalMs: 120, dropStreamAfterMs: 1200 });
const browser = await chromium.launch({ executablePath: browserPath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, reducedMotion: 'reduce' });
const page = await context.newPage();
page.setDefaultTimeout(WAIT);
page.on('dialog', (d) => d.accept());
const consoleErrors = [];
page.on('pageerror', (e) => consoleErrors.push(String(e)));
// Content-Security-Policy violations are reported on the console, not as page errors.
page.on('console', (m) => { if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) consoleErrors.push(m.text()); });

const results = [];
async function test(name, body) {
  const started = Date.now();
  try {
    await body();
    results.push({ name, ok: true, ms: Date.now() - started });
    console.log(`  ✓ ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    results.push({ name, ok: false, ms: Date.now() - started, error: e });
    console.log(`  ✗ ${name}\n    ${String(e?.stack ?? e).split('\n').slice(0, 6).join('\n    ')}`);
    await page.screenshot({ path: join(here, `../target/failure-${results.length}.png`) }).catch(() => undefined);
  }
}
function expect(cond, message) {
  if (!cond) throw new Error(message);
}
const shot = (name, fullPage = false) => page.screenshot({ path: join(shots, `${name}.png`), fullPage });
/** The log view's visible lines as [line number, text]. */
const visibleLines = () => page.$$eval('.log-line', (els) => els.map((e) => [Number(e.dataset.line), e.textContent ?? '']));
const lineCount = async () => Number((await page.textContent('.log-state')).split(' ')[0]);

const started = Date.now();
console.log(`circlet ui browser tests: ${browserPath} against ${server.url}`);

await test('a token signs in, kept in sessionStorage and never in localStorage', async () => {
  await page.goto(`${server.url}/ui/`);
  await page.getByLabel('API token').fill('wrong-token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'refused' }).waitFor();
  await page.getByLabel('API token').fill(TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Pipelines' }).waitFor();
  const stored = await page.evaluate(() => ({ session: sessionStorage.getItem('circlet.token'), local: localStorage.length }));
  expect(stored.session === TOKEN && stored.local === 0, `token storage: ${JSON.stringify(stored)}`);
});

await test('pipelines list the last run per branch and filter by status', async () => {
  await page.getByRole('cell', { name: 'feature/cart-limits' }).waitFor();
  await shot('pipelines');
  await page.getByLabel('Status').selectOption('Failed');
  await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1);
  expect((await page.textContent('tbody')).includes('#41'), 'the failed run is listed');
  await page.getByLabel('Status').selectOption('');
});

await test('a run shows its trigger and the workflow graph with groups and requires edges', async () => {
  await page.getByRole('link', { name: '#42' }).click();
  await page.getByRole('heading', { name: /team\/shop #42/ }).waitFor();
  await page.getByText('checkout: retry the payment provider once on a timeout').waitFor();
  const nodes = await page.$$eval('.node', (els) => els.map((e) => e.dataset.node));
  expect(['build', 'lint', 'test', 'integration', 'hold-release', 'deploy'].every((n) => nodes.includes(n)), `nodes: ${nodes}`);
  expect((await page.$$('.edges path')).length === 7, 'seven requires edges between boxes');
  expect((await page.$$('[data-node="test"] .job')).length === 3, 'the matrix group holds its three instances');
  await shot('run');
});

await test('approving a held job', async () => {
  const hold = page.locator('[data-node="hold-release"]');
  await hold.getByRole('button', { name: 'Approve' }).click();
  await hold.getByText('Succeeded').waitFor();
  const wf = server.state.runs['run-42'].workflows[0];
  expect(wf.jobs.find((j) => j.name === 'hold-release').state === 'Succeeded', 'the gateway received the approval');
});

await test("a running step's log grows live and resumes after dropped connections without gaps or repeats", async () => {
  await page.locator('[data-node="integration"]').getByRole('link', { name: '0' }).click();
  await page.getByRole('heading', { name: /shop-42-ci-integration-0/ }).waitFor();
  await page.waitForFunction(() => document.querySelector('.log-state')?.textContent?.includes('live'));
  const first = await lineCount();
  // The fixture drops every stream after 1.2 s: growing by 25 lines spans several reconnects.
  await page.waitForFunction((n) => Number(document.querySelector('.log-state').textContent.split(' ')[0]) > n + 25, first, { timeout: WAIT });
  for (const [n, text] of await visibleLines()) {
    expect(text.includes(`scenario #${n}:`), `line ${n} holds scenario #${n}: ${text}`);
  }
  await shot('build-live');
});

await test('cancelling a build ends its live log with every byte shown once', async () => {
  await page.getByRole('button', { name: 'Cancel build' }).click();
  await page.locator('h1').getByText('Canceled').waitFor();
  await page.waitForFunction(() => document.querySelector('.log-state')?.textContent?.includes('ended'));
  const expected = server.logText('team', 'shop-42-ci-integration-0', 2).split('\n').length - 1;
  expect(await lineCount() === expected, `shown ${await lineCount()} lines, the log has ${expected}`);
  const lines = await visibleLines();
  expect(lines.length > 0 && lines.every(([n, t]) => t.includes(`scenario #${n}:`)), 'the last lines are in order');
});

await test('a failed build shows its failed tests first with message and file', async () => {
  await page.goto(`${server.url}/ui/builds/team/shop-41-ci-test`);
  const tests = page.locator('.tests > li');
  await tests.first().waitFor();
  const first = await tests.nth(0).textContent();
  const second = await tests.nth(1).textContent();
  expect(first.includes('refuses the 100th item') && first.includes('expected 100 to be at most 99'), `first: ${first}`);
  expect(first.includes('src/cart/limits.test.ts'), 'the file is shown');
  expect(second.includes('error'), `errors count as failures: ${second}`);
  expect((await page.locator('[aria-current="step"]').textContent()).includes('npm test'), 'the failed step is selected');
  await page.locator('.log-line').filter({ hasText: 'AssertionError' }).waitFor();
  const red = await page.locator('.log-line .ansi-fg-red').first().count();
  expect(red > 0, 'ANSI red renders as a class');
  await shot('build-failed', true);
});

await test('a 50,000-line log renders only what is in view and search jumps to matches', async () => {
  await page.goto(`${server.url}/ui/builds/team/shop-42-ci-build?step=2`);
  await page.waitForFunction(() => document.querySelector('.log-state')?.textContent?.startsWith('50001 lines'));
  const rendered = (await page.$$('.log-line')).length;
  expect(rendered > 10 && rendered < 200, `rendered ${rendered} line elements`);
  await page.getByLabel('Search log').fill('npm WARN');
  await page.getByText('1 of 50').waitFor();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByText('2 of 50').waitFor();
  await page.locator('.log-hit').filter({ hasText: 'package-2000@1' }).waitFor();
  await shot('log-search');
});

await test('the queue shows running against capacity and why builds wait', async () => {
  await page.getByRole('link', { name: 'Queue' }).first().click();
  await page.getByText('OrganizationAtCapacity: acme runs 4 of 4 builds').waitFor();
  await shot('queue');
});

await test('the pages can be used with the keyboard alone', async () => {
  await page.goto(`${server.url}/ui/`);
  await page.getByRole('cell', { name: 'feature/cart-limits' }).waitFor();
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.textContent) === 'Skip to content', 'the first stop skips the navigation');
  let reached = false;
  for (let i = 0; i < 20 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.textContent === '#41');
  }
  expect(reached, 'a run link is reachable by Tab');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: /team\/shop #41/ }).waitFor();
});

/** Controls on the page without an accessible name (label, aria-label, aria-labelledby, text or title). */
const unlabelled = () => page.$$eval('input, select, textarea, button, a[href], [role="button"]', (els) => els
  .filter((e) => e.offsetParent !== null || e.getClientRects().length > 0)
  .filter((e) => {
    const byIds = (e.getAttribute('aria-labelledby') ?? '').split(/\s+/).filter(Boolean)
      .map((id) => document.getElementById(id)?.textContent ?? '').join('');
    const labels = [...(e.labels ?? [])].map((l) => l.textContent ?? '').join('');
    const own = ['button', 'a'].includes(e.localName) || e.getAttribute('role') === 'button' ? e.textContent ?? '' : '';
    return ![e.getAttribute('aria-label') ?? '', byIds, labels, own, e.getAttribute('title') ?? ''].some((n) => n.trim());
  })
  .map((e) => e.outerHTML.slice(0, 120)));

await test('every control of the main pages has an accessible name', async () => {
  const pages = [
    ['/ui/', () => page.getByRole('cell', { name: 'feature/cart-limits' }).waitFor()],
    ['/ui/runs/run-42', () => page.locator('.node').first().waitFor()],
    ['/ui/builds/team/shop-41-ci-test', () => page.locator('.tests > li').first().waitFor()],
    ['/ui/queue', () => page.getByText('OrganizationAtCapacity').first().waitFor()],
  ];
  for (const [path, ready] of pages) {
    await page.goto(`${server.url}${path}`);
    await ready();
    const missing = await unlabelled();
    expect(missing.length === 0, `${path}: controls without a name: ${missing.join(' | ')}`);
  }
  const signIn = await browser.newContext();
  try {
    const p = await signIn.newPage();
    await p.goto(`${server.url}/ui/`);
    await p.getByLabel('API token').waitFor();
    expect(await p.getByRole('button', { name: 'Sign in' }).count() === 1, 'the sign-in button is named');
  } finally {
    await signIn.close();
  }
});

await test('behind an authenticating proxy the UI signs in without a token', async () => {
  const proxied = await startFixtureServer({ behindProxy: true });
  const other = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  try {
    const p = await other.newPage();
    p.setDefaultTimeout(WAIT);
    const sent = [];
    p.on('request', (r) => { if (r.url().includes('/api/')) sent.push(r.headers().authorization ?? null); });
    await p.goto(`${proxied.url}/ui/`);
    await p.getByRole('heading', { name: 'Pipelines' }).waitFor();
    expect(await p.getByRole('button', { name: 'Sign out' }).count() === 0, 'no Sign out without a token');
    expect(sent.length > 0 && sent.every((h) => h === null), `the UI sent no Authorization: ${sent}`);
  } finally {
    await other.close();
    await proxied.close();
  }
});

if (consoleErrors.length) {
  results.push({ name: 'no script errors', ok: false });
  console.log(`  ✗ script errors in the page:\n    ${consoleErrors.join('\n    ')}`);
}
await browser.close();
await server.close();
const failed = results.filter((r) => !r.ok);
console.log(`${results.length - failed.length} passed, ${failed.length} failed in ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${shots}`);
process.exit(failed.length ? 1 : 0);
