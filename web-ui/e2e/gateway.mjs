// Browser tests against the real gateway of hack/dev-up (driven by e2e/.../WebUiE2ETest.java, which
// pushes the shop project and passes what it made in the environment):
//   CIRCLET_UI_URL, CIRCLET_UI_TOKEN        the gateway and an API token of Organization demo
//   CIRCLET_UI_NAMESPACE                    the Builds' namespace
//   CIRCLET_UI_UNIT_BUILD                   the failed unit-test Build (one failed test)
//   CIRCLET_UI_INTEGRATION_BUILD            the running Build whose log grows for minutes
//   CIRCLET_UI_SHOTS                        where screenshots go (default target/screenshots-gateway)
// Every wait is for a condition with a generous deadline; nothing asserts on timing.
import { chromium } from 'playwright-core';
import { mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const env = (name) => {
  const v = process.env[name];
  if (!v) {
    console.error(`${name} is not set: this script is run by WebUiE2ETest against hack/dev-up`);
    process.exit(2);
  }
  return v;
};
const url = env('CIRCLET_UI_URL');
const token = env('CIRCLET_UI_TOKEN');
const ns = env('CIRCLET_UI_NAMESPACE');
const unit = env('CIRCLET_UI_UNIT_BUILD');
const integration = env('CIRCLET_UI_INTEGRATION_BUILD');
const shots = process.env.CIRCLET_UI_SHOTS ?? join(here, '../target/screenshots-gateway');
const browserPath = process.env.CHROMIUM ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(existsSync);
const WAIT = 120_000;
if (!browserPath) {
  console.error('chromium is not installed: run hack/chromium.sh');
  process.exit(2);
}
mkdirSync(shots, { recursive: true });

const browser = await chromium.launch({ executablePath: browserPath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, reducedMotion: 'reduce' });
const page = await context.newPage();
page.setDefaultTimeout(WAIT);
page.on('dialog', (d) => d.accept());
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(String(e)));
page.on('console', (m) => { if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) pageErrors.push(m.text()); });

const results = [];
async function test(name, body) {
  const started = Date.now();
  try {
    await body();
    results.push({ name, ok: true });
    console.log(`  ✓ ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    results.push({ name, ok: false });
    console.log(`  ✗ ${name}\n    ${String(e?.stack ?? e).split('\n').slice(0, 6).join('\n    ')}`);
    await page.screenshot({ path: join(shots, `failure-${results.length}.png`) }).catch(() => undefined);
  }
}
function expect(cond, message) {
  if (!cond) throw new Error(message);
}
const shot = (name, fullPage = false) => page.screenshot({ path: join(shots, `${name}.png`), fullPage });
const lineCount = async () => Number((await page.textContent('.log-state')).split(' ')[0]);
const visibleLines = () => page.$$eval('.log-line', (els) => els.map((e) => [Number(e.dataset.line), e.textContent ?? '']));

const started = Date.now();
console.log(`circlet ui browser tests: ${browserPath} against the gateway at ${url}`);

await test('signing in with an API token of the organization', async () => {
  await page.goto(`${url}/ui/`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Pipelines' }).waitFor();
  expect(await page.evaluate(() => localStorage.length) === 0, 'nothing in localStorage');
});

await test('the pipelines page lists the shop run', async () => {
  await page.getByRole('cell', { name: 'demo/shop' }).first().waitFor();
  await shot('pipelines');
});

await test('a run shows its trigger and its workflow graph', async () => {
  await page.getByRole('row').filter({ hasText: 'demo/shop' }).getByRole('link', { name: '#1' }).first().click();
  await page.getByRole('heading', { name: /demo\/shop #1/ }).waitFor();
  await page.getByText('branch main').waitFor();
  const nodes = await page.$$eval('.node', (els) => els.map((e) => e.dataset.node));
  expect(['unit', 'integration', 'hold-release', 'release'].every((n) => nodes.includes(n)), `nodes: ${nodes}`);
  await shot('run');
});

await test('approving the held job', async () => {
  const hold = page.locator('[data-node="hold-release"]');
  await hold.getByRole('button', { name: 'Approve' }).click();
  // The operator releases the approval and runs the job after it; the page polls the run.
  await page.locator('[data-node="hold-release"]').getByText('Succeeded').waitFor();
});

await test("a running step's log grows live, in order", async () => {
  await page.goto(`${url}/ui/builds/${ns}/${integration}`);
  await page.getByRole('heading', { name: new RegExp(integration) }).waitFor();
  await page.waitForFunction(() => document.querySelector('.log-state')?.textContent?.includes('live'));
  await page.waitForFunction(() => Number(document.querySelector('.log-state').textContent.split(' ')[0]) > 0);
  const first = await lineCount();
  await page.waitForFunction((n) => Number(document.querySelector('.log-state').textContent.split(' ')[0]) >= n + 8, first);
  const lines = (await visibleLines()).filter(([, t]) => /scenario #\d+:/.test(t));
  expect(lines.length > 0, 'scenario lines are shown');
  const numbers = lines.map(([, t]) => Number(/scenario #(\d+):/.exec(t)[1]));
  expect(numbers.every((n, i) => i === 0 || n === numbers[i - 1] + 1), `lines in order, once each: ${numbers}`);
  expect((await page.locator('.log-line .ansi-fg-cyan').count()) > 0, 'ANSI colours render as classes');
  await shot('build-live');
});

await test('cancelling the running build ends it and its log', async () => {
  await page.getByRole('button', { name: 'Cancel build' }).click();
  await page.locator('h1').getByText('Canceled').waitFor();
  await page.waitForFunction(() => document.querySelector('.log-state')?.textContent?.includes('ended'));
  const lines = (await visibleLines()).filter(([, t]) => /scenario #\d+:/.test(t));
  const numbers = lines.map(([, t]) => Number(/scenario #(\d+):/.exec(t)[1]));
  expect(numbers.every((n, i) => i === 0 || n === numbers[i - 1] + 1), `the last lines in order: ${numbers}`);
});

await test('the failed build shows its failed test first with message and file', async () => {
  await page.goto(`${url}/ui/builds/${ns}/${unit}`);
  const tests = page.locator('.tests > li');
  await tests.first().waitFor();
  const first = await tests.nth(0).textContent();
  expect(first.includes('refuses the 100th item') && first.includes('expected 100 to be at most 99'), `first: ${first}`);
  expect(first.includes('src/cart/limits.test.ts'), `the file is shown: ${first}`);
  expect((await page.locator('[aria-current="step"]').textContent()).includes('npm test'), 'the failed step is selected');
  await page.locator('.log-line').filter({ hasText: 'AssertionError' }).waitFor();
  expect((await page.locator('.log-line .ansi-fg-red').count()) > 0, 'ANSI red renders as a class');
  await shot('build-failed', true);
});

await test('the queue shows the organization against its capacity', async () => {
  await page.getByRole('link', { name: 'Queue' }).first().click();
  await page.getByRole('heading', { name: /Queue/ }).waitFor();
  await page.getByText(/demo/).first().waitFor();
  await shot('queue');
});

if (pageErrors.length) {
  results.push({ name: 'no script errors', ok: false });
  console.log(`  ✗ script errors in the page:\n    ${pageErrors.join('\n    ')}`);
}
await browser.close();
const failed = results.filter((r) => !r.ok);
console.log(`${results.length - failed.length} passed, ${failed.length} failed in ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${shots}`);
process.exit(failed.length ? 1 : 0);
