// The job page as a step explorer in Chromium, on the stack `npm start` runs: axe-core finds no
// WCAG 2.1 AA violation on the job list, a job page and an open step; `?step=` opens and scrolls
// to a step, opening and closing steps go through history (Back and Forward undo and redo them);
// the keyboard alone moves through the rows (j / k), opens (Enter) and closes (Esc); "Copy link
// to step" puts a link that opens the step on the clipboard, or shows it to copy by hand. On the
// 5,000-step job: search finds the one step whose HTML holds a text and marks it, a link with the
// query reproduces the view, a facet and a sort change the rows and the address, the breakdown
// and the timeline render (hover, click), the keyboard alone searches and opens, and Download
// gives the document byte for byte.
// Screenshots of each state go to ARTIFACTS (explorer-*.png).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { ARTIFACTS, ROOT, launchBrowser, newTestPage, startStack, waitSettled } from './stack.js';
import { demoStepOptions, GENERATED_DEMO_JOBS } from '../../web/backend/demo-jobs.js';
import { generateSteps } from '../../web/backend/step-generator.js';

const SMALL = 'job-small-finished';
const BIG = 'job-big-5000';
/** axe-core's browser build, evaluated in the page through the DevTools protocol (the page's CSP stays strict). */
const AXE_SOURCE = readFileSync(createRequire(`${ROOT}package.json`).resolve('axe-core/axe.min.js'), 'utf8');
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
/** The big job's steps as the backend wrote them (same options, same steps). */
const BIG_STEPS = generateSteps(demoStepOptions(GENERATED_DEMO_JOBS.big)).steps;
/**
 * Text that only one step's HTML holds: the generator titles each page `<job> · step <n> report`.
 * Step 4320 is an HTML step (every 10th is), and its title is in <title> and <h1>: two matches.
 */
const UNIQUE_STEP = 4320;
const UNIQUE_TEXT = `step ${UNIQUE_STEP} report`;

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
    const openRow = document.querySelector('[data-testid=step-row]:has(button[aria-expanded=true])');
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
    const row = document.querySelector(`[data-testid=step-row][data-step-number="${n}"] button[aria-expanded]`);
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
      const row = document.querySelector('[data-testid=step-row]:has(button[aria-expanded=true])');
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

    await page.locator('[data-testid=step-row][data-step-number="10"] button[aria-expanded]').click();
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

    await page.locator('[data-testid=step-row][data-step-number="3"] button[aria-expanded]').click();
    await waitOpen(page, '3');
    assert.equal((await listState(page)).step, '3');
    await page.locator('[data-testid=step-row][data-step-number="5"] button[aria-expanded]').click();
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
    await page.locator('[data-testid=step-row][data-step-number="5000"] button[aria-expanded]').click();
    await waitOpen(page, '5000');
    await page.goBack();
    await waitOpen(page, '3');
    assert.ok(await rowInView(page, '3'), 'Back scrolled to step 3');

    // Closing is an entry too: Back opens the step again.
    await page.locator('[data-testid=step-row][data-step-number="3"] button[aria-expanded]').click();
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
    await page.locator('[data-testid=step-row][data-step-number="4"] button[aria-expanded]').click();
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

/** A generated step's cost in dollars (its `cost_usd` in any of the generator's spellings), null without a readable one. */
function dollars(/** @type {unknown} */ value) {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return null;
  const text = value.trim().replace(/^\$/, '').replace(/,/g, '');
  return /^\d+(\.\d+)?$/.test(text) ? Number(text) : null;
}

/** Waits for the explorer to have searched every row, then reads its count and the rows shown. */
async function explorerState(page) {
  await page.waitForFunction(() => document.querySelector('[data-testid=explorer-count]')?.getAttribute('data-searching') === 'false');
  return page.evaluate(() => {
    const count = document.querySelector('[data-testid=explorer-count]');
    const list = document.querySelector('[data-testid=step-list]');
    return {
      text: count?.textContent ?? '',
      matched: Number(count?.getAttribute('data-matched')),
      shown: Number(list?.getAttribute('data-shown-count')),
      numbers: [...document.querySelectorAll('[data-testid=step-row]')].map((row) => row.getAttribute('data-step-number')),
      params: Object.fromEntries([...new URL(location.href).searchParams.keys()].map((key) => [key, new URL(location.href).searchParams.getAll(key).join('|')])),
    };
  });
}

describe('explorer on the 5,000-step job', () => {
  test('searching for text one step\'s HTML holds finds exactly that step, marked in the row and in the Source view', async () => {
    const { context, page, errors } = await newPage();
    await openJob(page, BIG);
    await page.locator('[data-testid=explorer-search]').fill(UNIQUE_TEXT);
    await page.waitForFunction(() => new URL(location.href).searchParams.has('q'));
    await page.waitForFunction(() => document.querySelector('[data-testid=step-list]')?.getAttribute('data-shown-count') === '1');
    const state = await explorerState(page);
    assert.equal(state.text, '1 of 5,000 steps match');
    assert.deepEqual(state.numbers, [String(UNIQUE_STEP)]);
    assert.equal(state.params.q, UNIQUE_TEXT);
    const snippet = page.locator('[data-testid=match-snippet]');
    assert.equal(await snippet.locator('mark').textContent(), UNIQUE_TEXT);
    assert.equal(await snippet.getAttribute('data-field'), 'output');
    assert.equal(await snippet.getAttribute('data-count'), '2');
    assert.deepEqual(await axeViolations(page), [], 'search results');
    await shot(page, 'search');

    await page.locator(`[data-testid=step-row][data-step-number="${UNIQUE_STEP}"] button[aria-expanded]`).click();
    await waitOpen(page, String(UNIQUE_STEP));
    await page.locator('[data-testid=step-output]').getByRole('button', { name: 'Source', exact: true }).click();
    const matches = page.locator('[data-testid=output-matches]');
    await matches.waitFor();
    assert.equal(await matches.getAttribute('data-count'), '2');
    assert.deepEqual(await page.locator('[data-testid=step-output-source] mark').allTextContents(), [UNIQUE_TEXT, UNIQUE_TEXT]);
    await page.locator('[data-testid=match-next]').click();
    assert.equal(await matches.getAttribute('data-current'), '1');
    assert.equal(await page.locator('[data-testid=step-output-source] mark[aria-current=true]').getAttribute('data-match'), '1');
    // The Source view is text: the output's markup is not in the DOM as elements.
    assert.equal(await page.locator('[data-testid=step-output-source] h1').count(), 0);
    assert.deepEqual(await axeViolations(page), [], 'matches in the Source view');
    await shot(page, 'source-matches');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a link with the query and the step reproduces the view', async () => {
    const { context, page, errors } = await newPage();
    await openJob(page, BIG, `?q=${encodeURIComponent(UNIQUE_TEXT)}&step=${UNIQUE_STEP}`);
    await waitOpen(page, String(UNIQUE_STEP));
    const state = await explorerState(page);
    assert.equal(state.matched, 1);
    assert.equal(await page.locator('[data-testid=explorer-search]').inputValue(), UNIQUE_TEXT);
    assert.ok(await rowInView(page, String(UNIQUE_STEP)));
    await shot(page, 'search-deep-link');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a facet and a sort change the rows and the address', async () => {
    const model = 'claude-haiku-4';
    const withModel = BIG_STEPS.filter((step) => step.model === model);
    const { context, page, errors } = await newPage();
    await openJob(page, BIG);
    const chip = page.locator(`[data-testid=facet-model] button[data-value="${model}"]`);
    assert.equal(await chip.getAttribute('data-count'), String(withModel.length));
    await chip.click();
    await page.waitForFunction((n) => document.querySelector('[data-testid=step-list]')?.getAttribute('data-shown-count') === String(n), withModel.length);
    let state = await explorerState(page);
    assert.equal(await chip.getAttribute('aria-pressed'), 'true');
    assert.equal(state.params.model, model);
    assert.equal(state.text, `${withModel.length.toLocaleString('en-US')} of 5,000 steps match`);
    assert.deepEqual(state.numbers.slice(0, 5), withModel.slice(0, 5).map((step) => String(step.step_number)));
    assert.deepEqual(await axeViolations(page), [], 'a facet chosen');
    await shot(page, 'facet');

    // Most expensive first: the header's button sorts, aria-sort says how.
    await page.locator('[data-testid=sort-cost]').click();
    await page.waitForFunction(() => new URL(location.href).searchParams.get('sort') === 'cost');
    const priced = withModel.filter((step) => dollars(step.cost_usd) !== null).sort((a, b) => /** @type {number} */ (dollars(b.cost_usd)) - /** @type {number} */ (dollars(a.cost_usd)));
    await page.waitForFunction((n) => document.querySelector('[data-testid=step-row]')?.getAttribute('data-step-number') === n, String(priced[0].step_number));
    state = await explorerState(page);
    assert.equal(state.params.dir, 'desc');
    assert.equal(await page.locator('[role=columnheader][data-col=cost]').getAttribute('aria-sort'), 'descending');
    assert.equal(await page.locator('[role=columnheader][data-col=duration]').getAttribute('aria-sort'), 'none');
    const second = BIG_STEPS[Number(state.numbers[1]) - 1];
    assert.ok(/** @type {number} */ (dollars(second.cost_usd)) <= /** @type {number} */ (dollars(priced[0].cost_usd)));
    assert.equal(second.model, model);
    assert.deepEqual(await axeViolations(page), [], 'sorted by cost');
    await shot(page, 'sorted');

    // The address alone gives the same view in a new page.
    const again = await context.newPage();
    await openJob(again, BIG, new URL(page.url()).search);
    const reproduced = await explorerState(again);
    assert.equal(reproduced.matched, withModel.length);
    assert.equal(reproduced.numbers[0], String(priced[0].step_number));
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('the breakdown and the timeline render the matching steps; a click on the timeline opens a step', async () => {
    const { context, page, errors } = await newPage();
    await openJob(page, BIG);
    await explorerState(page);
    const perModel = new Map();
    for (const step of BIG_STEPS) perModel.set(step.model, (perModel.get(step.model) ?? 0) + 1);
    const rows = await page.locator('[data-testid=breakdown-model] tbody tr').evaluateAll((trs) =>
      trs.map((tr) => [tr.getAttribute('data-value'), Number(tr.getAttribute('data-steps'))]),
    );
    assert.deepEqual(new Map(rows), perModel);
    assert.equal(await page.locator('[data-testid=breakdown-status] tbody tr').count(), 1);

    const canvas = page.locator('[data-testid=timeline-canvas]');
    assert.equal(await page.locator('[data-testid=timeline]').getAttribute('data-bars'), '5000');
    assert.match((await canvas.getAttribute('aria-label')) ?? '', /^Timeline of 5,000 steps$/);
    const painted = await canvas.evaluate((element) => {
      const c = /** @type {HTMLCanvasElement} */ (element);
      const data = /** @type {CanvasRenderingContext2D} */ (c.getContext('2d')).getImageData(0, 0, c.width, c.height).data;
      let filled = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) filled += 1;
      return filled;
    });
    assert.ok(painted > 1000, `the canvas is drawn (${painted} pixels)`);
    const box = /** @type {{x: number, y: number, width: number, height: number}} */ (await canvas.boundingBox());
    await page.mouse.move(box.x + 3, box.y + 2);
    const tooltip = page.locator('[data-testid=timeline-tooltip]');
    await tooltip.waitFor();
    const row = Number(await tooltip.getAttribute('data-row'));
    // 5,000 bands in 180 pixels: the top pixels hold the first hundred or so steps.
    assert.ok(row >= 0 && row < 100, `a step at the top of the waterfall (row ${row})`);
    assert.match((await tooltip.textContent()) ?? '', /\d/);
    assert.deepEqual(await axeViolations(page), [], 'timeline and breakdown');
    await shot(page, 'timeline');
    await page.mouse.click(box.x + 3, box.y + 2);
    await waitOpen(page, String(row + 1));

    // The query's filter applies to both.
    await openJob(page, BIG, '?model=gpt-4o-mini');
    await explorerState(page);
    const mini = BIG_STEPS.filter((step) => step.model === 'gpt-4o-mini').length;
    assert.equal(await page.locator('[data-testid=timeline]').getAttribute('data-bars'), String(mini));
    assert.equal(await page.locator('[data-testid=breakdown-model] tbody tr').count(), 1);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('keyboard only: / to search, type, Enter to the rows, j, Enter opens, Esc closes', async () => {
    const { context, page, errors } = await newPage();
    await openJob(page, BIG);
    await page.locator('h1').click();
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'explorer-search');
    await page.keyboard.type(UNIQUE_TEXT);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('[data-testid=step-list]')?.getAttribute('data-shown-count') === '1');
    await page.keyboard.press('j');
    await page.waitForFunction((n) => document.activeElement?.closest('[data-testid=step-row]')?.getAttribute('data-step-number') === n, String(UNIQUE_STEP));
    await page.keyboard.press('Enter');
    await waitOpen(page, String(UNIQUE_STEP));
    await shot(page, 'keyboard-search-open');
    await page.keyboard.press('Escape');
    await waitOpen(page, null);
    assert.equal((await listState(page)).focusedNumber, String(UNIQUE_STEP));
    assert.equal(new URL(page.url()).searchParams.get('q'), UNIQUE_TEXT);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('Download gives the complete document as the index holds it, named after the job', async () => {
    const job = await (await fetch(`${stack.apiUrl}/api/jobs/${BIG}`)).json();
    const original = Buffer.from(await (await fetch(job.execution_steps_s3_url)).arrayBuffer());
    const { context, page, errors } = await newPage();
    await openJob(page, BIG);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=download-steps]').click()]);
    assert.equal(download.suggestedFilename(), `${BIG}-execution-steps.json`);
    const chunks = [];
    for await (const chunk of /** @type {NodeJS.ReadableStream} */ (await download.createReadStream())) chunks.push(chunk);
    const saved = Buffer.concat(chunks);
    assert.equal(saved.length, original.length);
    assert.equal(createHash('sha256').update(saved).digest('hex'), createHash('sha256').update(original).digest('hex'));
    assert.deepEqual(errors, []);
    await context.close();
  });
});

test('no page of this file reported a Content-Security-Policy violation', () => {
  assert.deepEqual(cspViolations, []);
});
