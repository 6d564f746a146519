/**
 * The consoles in a real browser (Debian's chromium, driven by playwright-core) against
 * `npm run demo`, built by `npm run build`: the story a person plays from the two consoles.
 * A sale at store-s1 shows at central and in store-s2's replica within a second; with the link
 * cut, s1 sells from its allotment (pending), refuses beyond it with the reason, and drains on
 * restore; no page logs an error or fails a request; a wrong key says so. Every step leaves a
 * screenshot in BROWSER_SCREENSHOTS (default .data/browser-screenshots). `npm run test:browser`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { demoPorts, type DemoProcess, startDemoProcess } from '../../scripts/demo-process';
import { REPO } from '../support/compiled-build';

const DEMO_TIMEOUT_MS = 240_000;
const SCREENSHOTS = process.env.BROWSER_SCREENSHOTS ?? join(REPO, '.data', 'browser-screenshots');
/** The demo's own story sold SKU-00001 out at store-s1; this one has its stock and allotment. */
const SKU = 'SKU-00002';
const KEYS = { admin: 'dev-admin-key', client: 'dev-client-key' };
/** What the issue asks of propagation, seen by a person: the other consoles within a second. */
const PROPAGATION_MS = 1000;
const DRAIN_MS = 20_000;
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/**
 * Everything a page did wrong: console errors, uncaught exceptions, failed or refused requests,
 * but for the refusals a step provokes on purpose (`expected`: "POST /v1/store/sales 409"), which
 * chromium also logs as a failed resource.
 */
function watchProblems(page: Page, name: string, problems: string[], expected: Set<string>): void {
  const isExpected = (method: string, url: string, status: number) =>
    expected.has(`${method} ${new URL(url).pathname} ${status}`);
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const refused = /^Failed to load resource: the server responded with a status of (\d+)/.exec(
      message.text(),
    );
    const { url } = message.location();
    if (
      refused &&
      [...expected].some((entry) => entry.endsWith(` ${new URL(url).pathname} ${refused[1]}`))
    ) {
      return;
    }
    problems.push(`${name}: console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`${name}: uncaught: ${error.message}`));
  page.on('requestfailed', (request) => {
    // A stream the page closes itself (navigation, teardown) is aborted, not failed.
    if (request.failure()?.errorText !== 'net::ERR_ABORTED') {
      problems.push(`${name}: ${request.url()} failed: ${request.failure()?.errorText}`);
    }
  });
  page.on('response', (response) => {
    const status = response.status();
    if (status >= 400 && !isExpected(response.request().method(), response.url(), status)) {
      problems.push(`${name}: ${response.request().method()} ${response.url()} answered ${status}`);
    }
  });
}

describe('the consoles, in a browser, against npm run demo', () => {
  let demo: DemoProcess | undefined;
  let browser: Browser | undefined;
  let ports: { central: number; firstStore: number };
  const problems: string[] = [];
  const provoked = new Set<string>();
  let central: Page;
  let s1: Page;
  let s2: Page;
  let step = 0;

  const url = (port: number) => `http://127.0.0.1:${port}/console/`;
  const screenshot = async (page: Page, what: string) =>
    page.screenshot({
      path: join(SCREENSHOTS, `${String(++step).padStart(2, '0')}-${what}.png`),
      fullPage: true,
    });

  /** A console in a tab of its own, signed in with `key` as a person would. */
  async function openConsole(name: string, port: number, key: string): Promise<Page> {
    const page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
    watchProblems(page, name, problems, provoked);
    await page.goto(url(port));
    await page.fill('input[name=api-key]', key);
    await page.click('button[type=submit]');
    await page.getByText('live', { exact: true }).waitFor();
    return page;
  }

  /** Store-s1's level of SKU in central's console, and SKU's row in a store console. */
  const atCentral = (field: string) =>
    `[data-product="${SKU}"] tr[data-store="store-s1"] [data-field="${field}"]`;
  const atStore = (field: string) =>
    `[data-testid=inventory] tr[data-product="${SKU}"] [data-field="${field}"]`;
  const centralCell = (field: string) => central.locator(atCentral(field));
  const storeCell = (page: Page, field: string) => page.locator(atStore(field));
  /** Waits until the cell at `selector` reads exactly `expected`. */
  const shows = (page: Page, selector: string, expected: number, timeout: number) =>
    page.locator(selector, { hasText: new RegExp(`^${expected}$`) }).waitFor({ timeout });
  const numberIn = async (cell: ReturnType<Page['locator']>) => Number(await cell.textContent());
  const latestOutcome = (page: Page) => page.locator('[data-testid=outcomes] li').first();

  async function sell(page: Page, quantity: number): Promise<void> {
    await page.fill('[data-testid=till] input[name=product]', SKU);
    await page.fill('[data-testid=till] input[name=quantity]', String(quantity));
    await page.getByRole('button', { name: 'Sell' }).click();
    await latestOutcome(page).locator('xpath=self::*[@data-tone!="sending"]').waitFor();
  }

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    ports = await demoPorts();
    demo = startDemoProcess(join(REPO, 'dist'), ports);
    await demo.running;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
    central = await openConsole('central', ports.central, KEYS.admin);
    s1 = await openConsole('store-s1', ports.firstStore, KEYS.admin);
    s2 = await openConsole('store-s2', ports.firstStore + 1, KEYS.client);
    await central.fill('input[name=product-search]', SKU);
    await s1.fill('input[name=inventory-search]', SKU);
    await s2.fill('input[name=inventory-store]', 'store-s1');
    await s2.fill('input[name=inventory-search]', SKU);
    await s2.locator('input[name=inventory-store]').dispatchEvent('change');
    await storeCell(s2, 'onHand').waitFor();
  }, DEMO_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  }, 60_000);

  it('shows a sale at store-s1 in central’s console and store-s2’s within a second', async () => {
    const before = await numberIn(centralCell('onHand'));
    await screenshot(central, 'central-before-sale');
    await sell(s1, 1);
    await expect(latestOutcome(s1).getAttribute('data-tone')).resolves.toMatch(
      /^(applied|pending)$/,
    );
    const shown = Date.now();
    await shows(central, atCentral('onHand'), before - 1, PROPAGATION_MS);
    await shows(
      s2,
      atStore('onHand'),
      before - 1,
      Math.max(0, PROPAGATION_MS - (Date.now() - shown)),
    );
    await screenshot(s1, 'store-s1-sold-one');
    await screenshot(central, 'central-follows');
    await screenshot(s2, 'store-s2-follows');
  });

  it('sells from the allotment with the link cut, refuses beyond it, and drains on restore', async () => {
    const onHandAtCentral = await numberIn(centralCell('onHand'));
    await s1.getByTestId('link-switch').click();
    await s1.getByTestId('connectivity').getByText('cut').waitFor();

    await sell(s1, 1);
    await expect(latestOutcome(s1).getAttribute('data-tone')).resolves.toBe('pending');
    await expect(latestOutcome(s1).textContent()).resolves.toContain('Accepted locally, pending');
    await s1.getByTestId('outbox-pending').getByText('1 pending').waitFor();
    await s1.getByTestId('outbox').getByText(SKU).waitFor();
    await screenshot(s1, 'store-s1-cut-sold-pending');

    const left = await numberIn(storeCell(s1, 'allotmentRemaining'));
    provoked.add('POST /v1/store/sales 409');
    await sell(s1, left + 1);
    await expect(latestOutcome(s1).getAttribute('data-tone')).resolves.toBe('refused');
    await expect(latestOutcome(s1).textContent()).resolves.toContain(
      'Not applied: the allotment left cannot cover it',
    );
    await expect(latestOutcome(s1).textContent()).resolves.toContain('insufficient_allotment');
    await screenshot(s1, 'store-s1-cut-refused-beyond-allotment');
    // Central has not heard of the offline sale yet.
    expect(await numberIn(centralCell('onHand'))).toBe(onHandAtCentral);

    await s1.getByTestId('link-switch').click();
    await s1.getByTestId('connectivity').getByText('connected').waitFor();
    await s1.getByTestId('outbox-pending').getByText('0 pending').waitFor({ timeout: DRAIN_MS });
    await s1.getByTestId('outbox').getByText('Nothing waits for central.').waitFor();
    // The sale's card follows its outbox entry: pushed, and applied at central.
    await s1
      .getByTestId('outcomes')
      .getByText('Pushed and applied at central')
      .first()
      .waitFor({ timeout: DRAIN_MS });
    await shows(central, atCentral('onHand'), onHandAtCentral - 1, DRAIN_MS);
    await screenshot(s1, 'store-s1-restored-drained');
    await screenshot(central, 'central-converged');
  });

  it('logged no error and failed no request on any page', () => {
    expect(problems).toEqual([]);
  });

  it('says clearly when the key is wrong', async () => {
    const page = await browser!.newPage();
    // As if the tab had kept a key that is no longer valid.
    await page.addInitScript({
      content: "sessionStorage.setItem('inventory-console.api-key', 'not-a-key')",
    });
    await page.goto(url(ports.firstStore));
    await expect(page.getByTestId('key-problem').textContent()).resolves.toMatch(
      /^This node refused the key \(unauthenticated: .+\)\. Check it and enter it again\.$/,
    );
    await expect(page.locator('input[name=api-key]').isVisible()).resolves.toBe(true);
    await screenshot(page, 'wrong-key');
    await page.close();
  });
});
