// Deterministic steps document for the benchmark, tests and the web demo: the shape of the S3
// `execution_steps` file (an object with `execution_steps`), serialized by JSON.stringify, or with
// `pythonDumps` re-serialised as the Python worker's `json.dumps` writes it (every non-ASCII
// character a `\uXXXX` escape). Same seed and options give the same bytes on every machine (no
// Math.random).
//
//   import { generateStepsDocument } from './generate.mjs';
//   const { bytes, expectedTotalUsd, steps } = generateStepsDocument({ nonAscii: true });
//
// CLI: `node bench/generate.mjs [--ascii] [--python] [--steps N] [--seed S] > doc.json`
import { fileURLToPath } from 'node:url';

import { pythonJsonDumps } from './python_json.mjs';

/** mulberry32: a small seeded PRNG, returns floats in [0, 1). */
export function createRandom(seed) {
  let state = seed >>> 0;
  return function next() {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NON_ASCII_PHRASES = [
  '日本語のテキストを含む段落です。',
  'ジョブの実行結果:成功しました。',
  'Résumé du café: naïve coöpération, déjà vu à Noël.',
  'Straße, Größe, Übermäßig — “quoted” ‘text’ … ',
  'Ελληνικά κείμενα και русский текст здесь.',
  'Emoji: 😀 🚀 ✅ 📊 🇯🇵 👍🏽',
  'Prix: 12,50 € — Preis: 9,99 € — 価格: ¥1,200',
];
const ASCII_PHRASES = [
  'Plain paragraph of generated output text.',
  'The job finished: all checks passed.',
  'Resume of the cafe: naive cooperation, deja vu.',
  'Numbers: 12.50 EUR, 9.99 USD, 1200 JPY.',
  'Status report with "quoted" words and a\ttab.',
  'Line one\nline two\nline three.',
  'Path C:\\jobs\\output\\report.html done.',
];
const TAGS = ['p', 'li', 'td', 'span', 'h3'];
const MODELS = ['gpt-4o', 'gpt-4o-mini', 'claude-3-5-sonnet', 'gemini-1.5-pro'];
const STATUSES = ['completed', 'completed', 'completed', 'failed', 'skipped'];

function pick(random, list) {
  return list[Math.floor(random() * list.length)];
}

/** An HTML page of about `bytes` UTF-8 bytes. */
function htmlPage(random, phrases, bytes, title) {
  const parts = [`<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${title}</title>`];
  parts.push('<style>body { font-family: sans-serif; } .row { color: #333; }</style></head><body>\n');
  let size = parts.join('').length;
  while (size < bytes) {
    const tag = pick(random, TAGS);
    const text = `${pick(random, phrases)} ${pick(random, phrases)}`;
    const piece = `<${tag} class="row" data-id="${Math.floor(random() * 1e6)}">${text}</${tag}>\n`;
    parts.push(piece);
    size += Buffer.byteLength(piece);
  }
  parts.push('</body></html>\n');
  return parts.join('');
}

/** A cost in micro-dollars plus how it is written: number, decimal string, null or absent. */
function makeCost(random) {
  const micros = 1 + Math.floor(random() * 250_000); // up to $0.25 per step
  const roll = random();
  if (roll < 0.5) return { micros, value: micros / 1e6 }; // number (JSON.stringify: 0.0123, 5e-7)
  if (roll < 0.9) return { micros, value: formatMicros(BigInt(micros)) }; // "0.012300"-like string
  if (roll < 0.95) return { micros: 0, value: null };
  return { micros: 0, value: undefined }; // member absent
}

function formatMicros(micros) {
  const negative = micros < 0n;
  const abs = negative ? -micros : micros;
  const whole = abs / 1_000_000n;
  const frac = (abs % 1_000_000n).toString().padStart(6, '0');
  return `${negative ? '-' : ''}${whole}.${frac}`;
}

/** `1.5`, `0`: the canonical decimal text of a micro-dollar amount (trailing zeros dropped). */
export function canonicalUsd(micros) {
  return formatMicros(micros).replace(/0+$/, '').replace(/\.$/, '');
}

/**
 * @param {object} [options]
 * @param {number} [options.seed=20260101]
 * @param {number} [options.steps=5000]
 * @param {boolean} [options.nonAscii=true] non-ASCII text (Japanese, accents, emoji) or ASCII only
 * @param {number} [options.htmlEvery=10] every n-th step carries a big HTML page
 * @param {number} [options.htmlBytes=50000]
 * @param {number} [options.smallOutputBytes=4500] output size of the other steps
 * @param {boolean} [options.pythonDumps=false] written as Python's `json.dumps` (defaults) writes it
 * @returns {{bytes: Uint8Array, steps: number, expectedTotalUsd: string, noCost: number}}
 */
export function generateStepsDocument(options = {}) {
  const {
    seed = 20260101,
    steps = 5000,
    nonAscii = true,
    htmlEvery = 10,
    htmlBytes = 50_000,
    smallOutputBytes = 500,
    pythonDumps = false,
  } = options;
  const random = createRandom(seed);
  const phrases = nonAscii ? NON_ASCII_PHRASES : ASCII_PHRASES;
  const start = Date.UTC(2026, 0, 1);
  let clock = start;
  let totalMicros = 0n;
  let noCost = 0;
  const texts = [];
  for (let i = 0; i < steps; i++) {
    const duration = 200 + Math.floor(random() * 20_000);
    const input = 100 + Math.floor(random() * 4000);
    const output = 50 + Math.floor(random() * 2000);
    const cost = makeCost(random);
    totalMicros += BigInt(cost.micros);
    if (cost.value === null || cost.value === undefined) noCost++;
    const big = i % htmlEvery === 0;
    const step = {
      step_number: i + 1,
      step_id: `step-${String(i + 1).padStart(5, '0')}`,
      step_name: big ? `Generate HTML page ${i / htmlEvery + 1}` : `${pick(random, ['Fetch', 'Analyse', 'Summarise', 'Validate'])} ${i + 1}`,
      status: pick(random, STATUSES),
      started_at: new Date(clock).toISOString(),
      completed_at: new Date(clock + duration).toISOString(),
      duration_ms: duration,
      model: pick(random, MODELS),
      input_tokens: input,
      output_tokens: output,
      total_tokens: input + output,
      ...(cost.value === undefined ? {} : { cost_usd: cost.value }),
      input: { prompt: `${pick(random, phrases)} (step ${i + 1})`, temperature: Math.round(random() * 100) / 100, tags: ['bench', big ? 'html' : 'text'] },
      output: htmlPage(random, phrases, big ? htmlBytes : smallOutputBytes, `Step ${i + 1}`),
      metadata: { attempt: 1 + Math.floor(random() * 3), cached: random() < 0.3, region: 'us-east-1' },
    };
    clock += duration + Math.floor(random() * 500);
    texts.push(JSON.stringify(step));
  }
  const json = `{"job_id":"job-bench-${seed}","status":"completed","execution_steps":[\n${texts.join(',\n')}\n]}\n`;
  return {
    bytes: new TextEncoder().encode(pythonDumps ? pythonJsonDumps(json) : json),
    steps,
    expectedTotalUsd: canonicalUsd(totalMicros),
    noCost,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const value = (name, fallback) => {
    const at = args.indexOf(name);
    return at >= 0 ? Number(args[at + 1]) : fallback;
  };
  const doc = generateStepsDocument({
    nonAscii: !args.includes('--ascii'),
    pythonDumps: args.includes('--python'),
    steps: value('--steps', 5000),
    seed: value('--seed', 20260101),
  });
  process.stdout.write(doc.bytes);
  process.stderr.write(`${doc.bytes.length} bytes, ${doc.steps} steps, total ${doc.expectedTotalUsd} USD, ${doc.noCost} without cost\n`);
}
