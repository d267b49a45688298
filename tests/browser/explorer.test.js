// The job page as a step explorer in Chromium, on the stack `npm start` runs: axe-core finds no
// WCAG 2.1 AA violation on the job list, a job page and an open step; `?step=` opens and scrolls
// to a step, opening and closing steps go through history (Back and Forward undo and redo them);
// the keyboard alone moves through the rows (j / k), opens (Enter) and closes (Esc); "Copy link
// to step" puts a link that opens the step on the clipboard, or shows it to copy by hand.
// Screenshots of each state go to ARTIFACTS (explorer-*.png).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { ARTIFACTS, ROOT, launchBrowser, newTestPage, startStack, waitSettled } from './stack.js';

const SMALL = 'job-small-finished';
const BIG = 'job-big-5000';
/** axe-core's browser build, evaluated in the page through the DevTools protocol (the page's CSP stays strict). */
const AXE_SOURCE = readFileSync(createRequire(`${ROOT}package.json`).resolve('axe-core/axe.min.js'), 'utf8');
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** @type {Awaited<ReturnType<typeof startStack>>} */
let stack;
/** @type {import('playwright-core').Browser} */
let browser;
const cspViolations = /** @type {string[]} */ ([]);

before(async () => {
  stack = await startStack();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

/** @param {{permissions?: string[]}} [options] */
function newPage(options = {}) {
  return newTestPage(browser, cspViolations, options);
}

/** @param {import('playwright-core').Page} page @param {string} id @param {string} [search] */
async function openJob(page, id, search = '') {
  await page.goto(`${stack.origin}/dashboard/jobs/${encodeURIComponent(id)}${search}`);
  await waitSettled(page);
}

/** @param {import('playwright-core').Page} page @param {string} name */
async function shot(page, name) {
  await page.screenshot({ path: `${ARTIFACTS}/explorer-${name}.png`, fullPage: true });
}

/**
 * axe-core's WCAG 2.1 A and AA rules on the whole page; each violation as `rule: target (summary)`.
 * @param {import('playwright-core').Page} page
 */
async function axeViolations(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (tags) => {
    const axe = /** @type {any} */ (window).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.flatMap((/** @type {any} */ violation) =>
      violation.nodes.map((/** @type {any} */ node) => `${violation.id}: ${node.target.join(' ')} (${node.failureSummary.replace(/\s+/g, ' ')})`),
    );
  }, WCAG_21_AA);
}

/** What the list says about the open step and the keyboard cursor, and the URL's `step`. */
async function listState(page) {
  return page.evaluate(() => {
    const list = document.querySelector('[data-testid=step-list]');
    const openRow = document.querySelector('[data-testid=step-row]:has(> button[aria-expanded=true])');
    const focused = document.activeElement?.closest('[data-testid=step-row]');
    return {
      step: new URL(location.href).searchParams.get('step'),
      openIndex: list?.getAttribute('data-open-index') ?? null,
      openNumber: openRow?.getAttribute('data-step-number') ?? null,
      focusedNumber: document.activeElement?.tagName === 'BUTTON' ? (focused?.getAttribute('data-step-number') ?? null) : null,
      cursor: document.querySelector('[data-testid=step-row][data-cursor=true]')?.getAttribute('data-step-number') ?? null,
    };
  });
}

/** Whether row `number` lies inside the list's visible box. @param {import('playwright-core').Page} page @param {string} number */
async function rowInView(page, number) {
  return page.evaluate((n) => {
    const list = document.querySelector('[data-testid=step-list]');
    const row = document.querySelector(`[data-testid=step-row][data-step-number="${n}"] > button`);
    if (!list || !row) return false;
    const outer = list.getBoundingClientRect();
    const inner = row.getBoundingClientRect();
    return inner.top >= outer.top - 1 && inner.bottom <= outer.bottom + 1;
  }, number);
}

/** @param {import('playwright-core').Page} page @param {string | null} number */
async function waitOpen(page, number) {
  await page.waitForFunction(
    (n) => {
      const row = document.querySelector('[data-testid=step-row]:has(> button[aria-expanded=true])');
      return n === null ? row === null : row?.getAttribute('data-step-number') === n && row.querySelector('[data-testid=step-output]') !== null;
    },
    number,
  );
}

describe('accessibility (axe-core, WCAG 2.1 AA)', () => {
  test('the job list, a job page and an open step have no violation', async () => {
    const { context, page, errors } = await newPage();
    await page.goto(`${stack.origin}/dashboard/jobs`);
    await page.locator('[data-testid=job-list]').waitFor();
    assert.deepEqual(await axeViolations(page), [], 'job list');

    await openJob(page, BIG);
    assert.deepEqual(await axeViolations(page), [], 'job page');

    await page.locator('[data-testid=step-row][data-step-number="10"] > button').click();
    await waitOpen(page, '10');
    assert.deepEqual(await axeViolations(page), [], 'open HTML step, rendered');
    await shot(page, 'open-rendered');
    await page.locator('[data-testid=step-output]').getByRole('button', { name: 'Source', exact: true }).click();
    await page.locator('[data-testid=step-output-source]').waitFor();
    assert.deepEqual(await axeViolations(page), [], 'open HTML step, source');
    await shot(page, 'open-source');

    await openJob(page, SMALL, '?step=2');
    await waitOpen(page, '2');
    assert.deepEqual(await axeViolations(page), [], 'an open step of the small job');
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe('links to steps', () => {
  test('?step= opens that step of the 5,000 and scrolls it into view', async () => {
    const { context, page, errors } = await newPage();
    await openJob(page, BIG, '?step=4321');
    await waitOpen(page, '4321');
    const state = await listState(page);
    assert.equal(state.step, '4321');
    assert.equal(state.openIndex, '4320');
    assert.equal(state.cursor, '4321');
    assert.ok(await rowInView(page, '4321'), 'the linked row is in the list’s view');
    assert.ok((await page.locator('[data-testid=step-row]').count()) < 60, 'still virtualized');
    await shot(page, 'deep-link');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a step the list does not have says so once the list is complete', async () => {
    const { context, page } = await newPage();
    await openJob(page, SMALL, '?step=999');
    const note = page.locator('[data-testid=step-not-found]');
    await note.waitFor();
    assert.equal(await note.textContent(), 'Step 999 is not in this list.');
    assert.equal((await listState(page)).openIndex, '');
    await shot(page, 'step-not-found');
    await context.close();
  });

  test('opening, switching and closing steps are history entries: Back and Forward replay them', async () => {
    const { context, page, errors } = await newPage();
    await openJob(page, BIG);
    const historyLength = await page.evaluate(() => history.length);

    await page.locator('[data-testid=step-row][data-step-number="3"] > button').click();
    await waitOpen(page, '3');
    assert.equal((await listState(page)).step, '3');
    await page.locator('[data-testid=step-row][data-step-number="5"] > button').click();
    await waitOpen(page, '5');
    assert.equal((await listState(page)).step, '5');
    assert.equal(await page.evaluate(() => history.length), historyLength + 2);

    await page.goBack();
    await waitOpen(page, '3');
    assert.equal((await listState(page)).step, '3');
    await page.goBack();
    await waitOpen(page, null);
    assert.equal((await listState(page)).step, null);
    assert.match(page.url(), new RegExp(`/dashboard/jobs/${BIG}$`));
    await page.goForward();
    await waitOpen(page, '3');

    // Far down the list, then Back to step 3 scrolls the list back up to it.
    await page.locator('[data-testid=step-list]').evaluate((list) => list.scrollTo(0, list.scrollHeight));
    await page.locator('[data-testid=step-row][data-step-number="5000"] > button').click();
    await waitOpen(page, '5000');
    await page.goBack();
    await waitOpen(page, '3');
    assert.ok(await rowInView(page, '3'), 'Back scrolled to step 3');

    // Closing is an entry too: Back opens the step again.
    await page.locator('[data-testid=step-row][data-step-number="3"] > button').click();
    await waitOpen(page, null);
    assert.equal((await listState(page)).step, null);
    await page.goBack();
    await waitOpen(page, '3');
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe('keyboard', () => {
  test('j / k move a focused cursor through the rows, Enter opens, Esc closes and returns focus', async () => {
    const { context, page, errors } = await newPage();
    await openJob(page, BIG);
    await page.locator('h1').click();

    await page.keyboard.press('j');
    await page.waitForFunction(() => document.activeElement?.closest('[data-testid=step-row]')?.getAttribute('data-step-number') === '1');
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    await page.waitForFunction(() => document.activeElement?.closest('[data-testid=step-row]')?.getAttribute('data-step-number') === '2');
    let state = await listState(page);
    assert.equal(state.cursor, '2');
    assert.equal(state.openIndex, '');
    // The focused row shows a focus ring.
    const outline = await page.evaluate(() => getComputedStyle(/** @type {Element} */ (document.activeElement)).outlineStyle);
    assert.equal(outline, 'solid');
    await shot(page, 'keyboard-cursor');

    await page.keyboard.press('Enter');
    await waitOpen(page, '2');
    assert.equal((await listState(page)).step, '2');
    await shot(page, 'keyboard-open');

    // From inside the open step (its toolbar), Esc closes it and the focus goes back to its row.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Escape');
    await waitOpen(page, null);
    state = await listState(page);
    assert.equal(state.step, null);
    assert.equal(state.focusedNumber, '2');

    // Far enough that the rows scroll: the cursor's row stays in view.
    for (let i = 0; i < 40; i++) await page.keyboard.press('j');
    await page.waitForFunction(() => document.activeElement?.closest('[data-testid=step-row]')?.getAttribute('data-step-number') === '42');
    assert.ok(await rowInView(page, '42'), 'the cursor row is scrolled into view');
    await page.keyboard.press('Enter');
    await waitOpen(page, '42');
    assert.equal((await listState(page)).step, '42');
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe('copy link to step', () => {
  test('the link goes to the clipboard with a confirmation, and opens the step in a new page', async () => {
    const { context, page, errors } = await newPage({ permissions: ['clipboard-read', 'clipboard-write'] });
    await openJob(page, BIG, '?step=777');
    await waitOpen(page, '777');
    await page.locator('[data-testid=copy-step-link]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=copy-step-link-status]')?.textContent === 'Link copied');
    await shot(page, 'link-copied');
    const link = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(link, `${stack.origin}/dashboard/jobs/${BIG}?step=777`);

    const other = await context.newPage();
    await other.goto(link);
    await waitSettled(other);
    await waitOpen(other, '777');
    assert.ok(await rowInView(other, '777'));
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('without the Clipboard API the link is shown selected, to copy by hand', async () => {
    const { context, page, errors } = await newPage();
    await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined }));
    await openJob(page, SMALL);
    await page.locator('[data-testid=step-row][data-step-number="4"] > button').click();
    await waitOpen(page, '4');
    await page.locator('[data-testid=copy-step-link]').click();
    const field = page.locator('[data-testid=step-link-field]');
    await field.waitFor();
    assert.equal(await field.inputValue(), `${stack.origin}/dashboard/jobs/${SMALL}?step=4`);
    const selected = await field.evaluate((input) => /** @type {HTMLInputElement} */ (input).selectionEnd - /** @type {HTMLInputElement} */ (input).selectionStart);
    assert.equal(selected, (await field.inputValue()).length);
    assert.deepEqual(await axeViolations(page), [], 'the link field state');
    await shot(page, 'link-manual');

    // Keys typed into the field stay there: "j" does not move the list's cursor.
    const before = (await listState(page)).cursor;
    await field.focus();
    await page.keyboard.press('j');
    assert.equal((await listState(page)).cursor, before);
    assert.deepEqual(errors, []);
    await context.close();
  });
});

test('no page of this file reported a Content-Security-Policy violation', () => {
  assert.deepEqual(cspViolations, []);
});
