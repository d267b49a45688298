// The writer's item size against DynamoDB's rules, exactly, and the writer never losing a job:
// thousands of random jobs near the 400 KB limit sized by the exact rule and by an independent
// oracle (dynalite's own accounting on the marshalled item, corrected from UTF-16 units to UTF-8
// bytes), then a smaller set written through the stand-ins and read back through the API.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { createRandom } from '../backend/random.js';
import {
  DYNAMODB_ITEM_LIMIT_BYTES,
  ITEM_SIZE_MARGIN_BYTES,
  PARTIAL_STEP_COUNT,
  attributeSize,
  isItemTooLarge,
  itemSize,
  numberSize,
  planItem,
  stepsObjectKey,
  writeJob,
} from '../backend/writer.js';
import { fetchJob, startTestBackend } from '../testing/helpers.js';

const require = createRequire(import.meta.url);
/** dynalite's item size over DynamoDB JSON (strings and names in UTF-16 units). */
const dynaliteItemSize = /** @type {(item: Record<string, unknown>) => number} */ (require('dynalite/db/index.js').itemSize);

const PLAN_LIMIT = DYNAMODB_ITEM_LIMIT_BYTES - ITEM_SIZE_MARGIN_BYTES;

describe('numberSize: DynamoDB stores numbers in base 100 after an exponent byte, plus a sign byte', () => {
  // Documented cases: DynamoDB trims leading and trailing zeroes, stores two digits per byte
  // aligned on the decimal point, adds 1 byte, and one more for a negative number.
  const cases = /** @type {const} */ ([
    ['0', 1],
    ['-0', 1],
    ['0.000', 1],
    ['5', 2],
    ['12', 2],
    ['99', 2],
    ['100', 2],
    ['1000000', 2],
    ['120', 3],
    ['1.5', 3],
    ['-5', 3],
    ['-12', 3],
    ['-120', 4],
    ['0.5', 2],
    ['0.05', 2],
    ['0.005', 2],
    ['0.125', 3],
    ['1.25', 3],
    ['12.5', 3],
    ['1.05', 3],
    ['10.5', 3],
    ['1.234', 4],
    ['123456', 4],
    ['1234567', 5],
    ['0.0123', 3],
    ['1e-7', 2],
    ['1.5e-7', 2],
    ['1e+21', 2],
    ['1e21', 2],
    ['1.7976931348623157e+308', 10],
    ['1.25e-7', 3],
    ['-1E-130', 3],
    ['9.9999999999999999999999999999999999999E+125', 20],
    ['-9.9999999999999999999999999999999999999E+125', 21],
    ['1.0000000000000000000000000000000000001', 21],
    ['0.30000000000000004', 10],
    ['123.456', 5],
    ['000123.4500', 4],
    ['+7', 2],
  ]);
  for (const [text, bytes] of cases) {
    test(`${text} costs ${bytes} byte${bytes === 1 ? '' : 's'}`, () => assert.equal(numberSize(text), bytes));
  }

  test('JS numbers are sized from the text the SDK sends (String(value))', () => {
    assert.equal(attributeSize(1.5), 3);
    assert.equal(attributeSize(120), 3);
    assert.equal(attributeSize(-5), 3);
    assert.equal(attributeSize(0.1 + 0.2), 10);
    assert.equal(attributeSize(2n ** 64n), numberSize('18446744073709551616'));
    assert.throws(() => numberSize('abc'), TypeError);
    assert.throws(() => numberSize('.'), TypeError);
  });
});

describe('itemSize: the published rules for strings, names, lists and maps', () => {
  test('strings and names count UTF-8 bytes', () => {
    assert.equal(itemSize({ text: 'é🚀' }), 4 + 2 + 4);
    assert.equal(itemSize({ 'näme': 'x' }), 5 + 1);
    assert.equal(itemSize({ s: '' }), 1);
  });

  test('null and booleans cost 1 byte, binary its raw length', () => {
    assert.equal(itemSize({ a: null, b: true, c: false }), 3 + 3);
    assert.equal(itemSize({ bin: new Uint8Array(10) }), 3 + 10);
  });

  test('a list or map costs 3 bytes plus 1 per element, map keys their UTF-8 bytes', () => {
    assert.equal(itemSize({ l: [] }), 1 + 3);
    assert.equal(itemSize({ m: {} }), 1 + 3);
    // l: 3 + (1 + 2 for 5) + (1 + 1 for "a") + (1 + 3 for [])
    assert.equal(itemSize({ l: [5, 'a', []] }), 1 + 3 + 3 + 2 + 4);
    // m: 3 + (1 + 2 + 3 for "é": 1.5) + (1 + 1 + 1 for "k": null)
    assert.equal(itemSize({ m: { é: 1.5, k: null } }), 1 + 3 + 6 + 3);
    assert.equal(itemSize({ m: { skipped: undefined } }), 1 + 3, 'undefined members are not sent');
  });

  test('number and string sets: the sum of their members', () => {
    assert.equal(itemSize({ ss: new Set(['ab', 'é']) }), 2 + 2 + 2);
    assert.equal(itemSize({ ns: new Set([1.5, 7]) }), 2 + 3 + 2);
  });
});

/** @param {string} text UTF-8 bytes less UTF-16 units: what dynalite undercounts. */
function excess(text) {
  return Buffer.byteLength(text) - text.length;
}

/**
 * The undercount over a marshalled item (names and values) or map.
 * @param {Record<string, any>} item
 * @returns {number}
 */
function itemExcess(item) {
  let sum = 0;
  for (const [name, value] of Object.entries(item)) sum += excess(name) + valueExcess(value);
  return sum;
}

/** @param {Record<string, any>} value an AttributeValue @returns {number} */
function valueExcess(value) {
  if ('S' in value) return excess(value.S);
  if ('SS' in value) return value.SS.reduce((/** @type {number} */ sum, /** @type {string} */ text) => sum + excess(text), 0);
  if ('L' in value) return value.L.reduce((/** @type {number} */ sum, /** @type {any} */ element) => sum + valueExcess(element), 0);
  if ('M' in value) return itemExcess(value.M);
  return 0;
}

/** The oracle: dynalite's size of the item as the SDK marshals it, strings counted in UTF-8. */
function oracleSize(/** @type {Record<string, unknown>} */ item) {
  const wire = marshall(item, { removeUndefinedValues: true, allowImpreciseNumbers: true });
  return dynaliteItemSize(wire) + itemExcess(wire);
}

const WORDS = ['alpha', 'beta', 'report', 'step', 'Zürich', 'naïve', 'Ελληνικά', 'Русский', '東京', '数据', 'العربية', 'हिन्दी', '🚀', '🧪📊', 'e\u0301'];

/**
 * Numbers of every shape: integers small and large, negatives, decimals of 1 to 17 significant
 * digits, tiny and huge exponents, zero.
 * @param {ReturnType<typeof createRandom>} rand
 * @param {{safe?: boolean}} [options]  safe: only numbers DynamoDB stores and the SDK sends and reads back as they are
 */
function randomNumber(rand, options = {}) {
  const sign = rand.next() < 0.25 ? -1 : 1;
  const shape = rand.int(0, options.safe ? 6 : 9);
  switch (shape) {
    case 0:
      return 0;
    case 1:
      return sign * rand.int(1, 99);
    case 2:
      return sign * rand.int(100, 2 ** 31);
    case 3:
      return sign * rand.int(1, 1_000_000) * 10 ** rand.int(0, 9);
    case 4:
      return sign * Number((rand.next() * 10 ** rand.int(-3, 6)).toPrecision(rand.int(1, 17)));
    case 5:
      return sign * rand.int(1, 9999) / 10 ** rand.int(1, 8);
    case 6:
      return sign * Number(`${rand.int(1, 9)}.${rand.int(0, 99999)}e-${rand.int(7, options.safe ? 120 : 320)}`);
    case 7:
      return sign * Number(`${rand.int(1, 9)}.${rand.int(0, 99999)}e+${rand.int(21, 300)}`);
    case 8:
      return sign * (rand.int(0, 2 ** 31) * 2 ** 32 + rand.int(0, 2 ** 31));
    default:
      return sign * Number.MAX_SAFE_INTEGER;
  }
}

/**
 * Blocks of about 1 KB of words, ASCII-only or mixed scripts and emoji, built once: outputs are
 * assembled from them so thousands of 400 KB jobs stay cheap to generate.
 * @param {boolean} ascii
 */
function makeBlocks(ascii) {
  const rand = createRandom(ascii ? 11 : 12);
  const words = ascii ? WORDS.slice(0, 4) : WORDS;
  return Array.from({ length: 64 }, () => {
    const parts = [];
    let size = 0;
    while (size < 1024) {
      const word = rand.pick(words);
      parts.push(word);
      size += Buffer.byteLength(word) + 1;
    }
    return parts.join(' ') + ' ';
  });
}
const BLOCKS = { ascii: makeBlocks(true), mixed: makeBlocks(false) };

/** @param {ReturnType<typeof createRandom>} rand @param {number} bytes @param {boolean} ascii */
function randomText(rand, bytes, ascii) {
  const blocks = ascii ? BLOCKS.ascii : BLOCKS.mixed;
  const words = ascii ? WORDS.slice(0, 4) : WORDS;
  const parts = [];
  let size = 0;
  while (size + 1024 < bytes) {
    const block = rand.pick(blocks);
    parts.push(block);
    size += Buffer.byteLength(block);
  }
  while (size < bytes) {
    const word = rand.pick(words);
    parts.push(word, ' ');
    size += Buffer.byteLength(word) + 1;
  }
  return parts.join('');
}

/**
 * A job whose full item lands within a few KB of the limit (either side), with steps carrying
 * strings, numbers of every shape, nulls, booleans, nested maps and lists.
 * @param {number} seed
 * @param {{safeNumbers?: boolean}} [options]  safeNumbers: steps hold only numbers DynamoDB and the SDK take as they are
 */
function randomJob(seed, options = {}) {
  const rand = createRandom(seed);
  const ascii = rand.next() < 0.4;
  const count = rand.int(1, 40);
  const target = DYNAMODB_ITEM_LIMIT_BYTES + rand.int(-6 * 1024, 4 * 1024);
  const number = () => randomNumber(rand, { safe: options.safeNumbers });
  const job = {
    job_id: `prop-${seed}`,
    status: rand.pick(['completed', 'failed', 'running']),
    name: randomText(rand, rand.int(5, 60), ascii),
    total_cost_usd: randomNumber(rand, { safe: true }),
  };
  /** @type {Record<string, unknown>[]} */
  const steps = [];
  for (let i = 0; i < count; i += 1) {
    steps.push({
      step_number: i + 1,
      step_name: randomText(rand, rand.int(3, 20), ascii),
      status: 'completed',
      duration_ms: number(),
      input_tokens: number(),
      cost_usd: rand.next() < 0.2 ? null : rand.next() < 0.3 ? String(number()) : number(),
      cached: rand.next() < 0.5,
      metadata: { scores: [number(), number(), number()], tags: [randomText(rand, 8, ascii), null, true], nested: { depth: { value: number() } } },
      output: '',
    });
  }
  // Spread the remaining bytes over the outputs, then pad the last one to land on the target.
  const fixed = itemSize({ ...job, step_count: count, execution_steps: steps });
  const perStep = Math.max(0, Math.floor((target - fixed) / count));
  for (const step of steps) step.output = randomText(rand, Math.floor(perStep * (0.3 + 0.6 * rand.next())), ascii);
  const gap = target - itemSize({ ...job, step_count: count, execution_steps: steps });
  if (gap > 0) steps[count - 1].output += 'x'.repeat(gap);
  return { job, steps, ascii };
}

describe('the exact rule against an independent oracle, over thousands of random jobs near the limit', () => {
  test('planItem: sizes agree with the oracle, no item over the limit less the margin, partial only when needed', () => {
    const JOBS = 2000;
    let full = 0;
    let partial = 0;
    let nonAscii = 0;
    let closest = Infinity;
    for (let seed = 1; seed <= JOBS; seed += 1) {
      const { job, steps, ascii } = randomJob(seed);
      const wholeItem = { ...job, step_count: steps.length, execution_steps: steps };
      const wholeSize = itemSize(wholeItem);
      assert.equal(wholeSize, oracleSize(wholeItem), `job ${seed}: exact size`);
      if (!ascii) nonAscii += 1;

      const plan = planItem(job, steps);
      assert.equal(plan.itemBytes, itemSize(plan.item));
      assert.equal(plan.itemBytes, oracleSize(plan.item), `job ${seed}: planned item size`);
      assert.ok(plan.itemBytes <= PLAN_LIMIT, `job ${seed}: ${plan.itemBytes} bytes`);
      assert.equal(plan.item.step_count, steps.length);
      if (plan.partial) {
        partial += 1;
        assert.ok(wholeSize > PLAN_LIMIT, `job ${seed}: partial only when the whole item does not fit`);
        const kept = /** @type {unknown[]} */ (plan.item.execution_steps);
        assert.ok(kept.length <= PARTIAL_STEP_COUNT);
        assert.deepEqual(kept, steps.slice(0, kept.length));
        assert.equal(plan.item.execution_steps_s3_key, stepsObjectKey(job.job_id));
      } else {
        full += 1;
        assert.equal(plan.item.execution_steps, steps);
        assert.equal(plan.item.execution_steps_s3_key, undefined);
        closest = Math.min(closest, PLAN_LIMIT - plan.itemBytes);
      }
    }
    console.log(`# ${JOBS} random jobs near the limit: ${full} whole, ${partial} partial, ${nonAscii} with non-ASCII text; closest whole item ${closest} bytes under the planning limit`);
    assert.ok(full > JOBS / 10 && partial > JOBS / 10, 'both sides of the limit are exercised');
    assert.ok(nonAscii > JOBS / 4);
  });

  test('the old approximation undercounted: 1.5, 120 and -5 all cost 3 bytes', () => {
    const item = { job_id: 'n', values: [1.5, 120, -5] };
    assert.equal(itemSize(item), oracleSize(item));
    assert.equal(itemSize(item), 6 + 1 + 6 + 3 + 3 * (1 + 3));
  });
});

describe('the writer against the stand-ins and the API', () => {
  /** @type {Awaited<ReturnType<typeof startTestBackend>>} */
  let backend;
  before(async () => {
    backend = await startTestBackend({ demo: false });
  });
  after(async () => {
    await backend?.stop();
  });

  /** @param {string} jobId */
  async function readItem(jobId) {
    const { Item } = await backend.storage.ddb.send(new GetCommand({ TableName: backend.config.table, Key: { job_id: jobId } }));
    return /** @type {Record<string, unknown>} */ (Item);
  }

  /** Every step of a job as the browser gets them: the item's, or the presigned S3 document. */
  async function readSteps(/** @type {string} */ jobId) {
    const job = await fetchJob(backend, jobId);
    if (!job.execution_steps_s3_url) return { job, steps: job.execution_steps, from: 'dynamodb' };
    const response = await fetch(job.execution_steps_s3_url);
    assert.equal(response.status, 200, `${jobId}: S3 document`);
    return { job, steps: await response.json(), from: 's3' };
  }

  test('an item at the limit by the exact rule is accepted by DynamoDB, one byte more is refused', async () => {
    const base = { job_id: 'size-exact', status: 'completed', costs: [1.5, 120, -5, 0.0123, 1e-7], execution_steps: [{ step_number: 1, output: '' }] };
    const padding = DYNAMODB_ITEM_LIMIT_BYTES - itemSize(base);
    const atLimit = { ...base, execution_steps: [{ step_number: 1, output: 'x'.repeat(padding) }] };
    assert.equal(itemSize(atLimit), DYNAMODB_ITEM_LIMIT_BYTES);
    await backend.storage.ddb.send(new PutCommand({ TableName: backend.config.table, Item: atLimit }));
    const over = { ...base, execution_steps: [{ step_number: 1, output: 'x'.repeat(padding + 1) }] };
    const refusal = await backend.storage.ddb.send(new PutCommand({ TableName: backend.config.table, Item: over })).catch((error) => error);
    assert.ok(isItemTooLarge(refusal), String(refusal));
  });

  test('random jobs near the limit, written and read back through the API: every job present with all its steps', async () => {
    const JOBS = 60;
    /** @type {Record<string, number>} */
    const from = { dynamodb: 0, s3: 0 };
    let fallbacks = 0;
    for (let seed = 10_001; seed < 10_001 + JOBS; seed += 1) {
      // Every third job's steps also hold numbers DynamoDB or the SDK refuse (1e+21, 1e-300).
      const safeNumbers = seed % 3 !== 0;
      const { job, steps } = randomJob(seed, { safeNumbers });
      const result = await writeJob(backend.storage, job, steps);
      if (safeNumbers) assert.equal(result.fallback, 0, `${job.job_id}: planned right the first time`);
      fallbacks += result.fallback > 0 ? 1 : 0;
      const stored = await readItem(job.job_id);
      assert.ok(itemSize(stored) <= PLAN_LIMIT, `${job.job_id}: stored item of ${itemSize(stored)} bytes`);
      const read = await readSteps(job.job_id);
      from[read.from] += 1;
      assert.equal(read.job.step_count, steps.length);
      assert.deepEqual(read.steps, JSON.parse(JSON.stringify(steps)), `${job.job_id}: every step, from ${read.from}`);
    }
    const listed = new Set(
      /** @type {{jobs: {job_id: string}[]}} */ (await (await fetch(`${backend.apiUrl}/api/jobs`)).json()).jobs.map((entry) => entry.job_id),
    );
    for (let seed = 10_001; seed < 10_001 + JOBS; seed += 1) assert.ok(listed.has(`prop-${seed}`), `prop-${seed} is listed`);
    console.log(`# ${JOBS} jobs through the API: ${from.dynamodb} whole in DynamoDB, ${from.s3} from S3, ${fallbacks} stored on a second or third attempt`);
    assert.ok(from.dynamodb > 0 && from.s3 > 0 && fallbacks > 0);
  });

  test('when DynamoDB refuses the item for its size, the writer stores the partial plan and the job stays readable', async () => {
    // The planner is told the limit is higher than DynamoDB's: its whole item is refused.
    const steps = Array.from({ length: 8 }, (_, index) => ({ step_number: index + 1, cost_usd: 0.25, output: 'y'.repeat(60_000) }));
    const result = await writeJob(backend.storage, { job_id: 'refused-once', status: 'completed' }, steps, { limitBytes: 600_000 });
    assert.equal(result.fallback, 1);
    assert.equal(result.partial, true);
    assert.equal(/** @type {unknown[]} */ (result.item.execution_steps).length, 4, 'the first steps under half the limit');
    assert.ok(result.itemBytes <= DYNAMODB_ITEM_LIMIT_BYTES);
    const read = await readSteps('refused-once');
    assert.equal(read.from, 's3');
    assert.deepEqual(read.steps, steps);
    assert.equal(read.job.execution_steps_s3_key, stepsObjectKey('refused-once'));

    // Refused twice (the first steps alone are over the limit): the item keeps no step, only the key.
    const huge = Array.from({ length: 6 }, (_, index) => ({ step_number: index + 1, output: 'z'.repeat(150_000) }));
    const twice = await writeJob(backend.storage, { job_id: 'refused-twice', status: 'completed' }, huge, { limitBytes: 4_000_000 });
    assert.equal(twice.fallback, 2);
    assert.deepEqual(twice.item.execution_steps, []);
    const readTwice = await readSteps('refused-twice');
    assert.equal(readTwice.from, 's3');
    assert.equal(readTwice.steps.length, 6);
    assert.equal(readTwice.job.step_count, 6);
  });

  test('non-ASCII text that dynalite would take is planned by its UTF-8 size', () => {
    // 150,000 three-byte characters: 150,000 UTF-16 units for dynalite, 450,000 bytes for DynamoDB.
    const steps = [{ step_number: 1, output: '東'.repeat(150_000) }];
    const plan = planItem({ job_id: 'cjk', status: 'completed' }, steps);
    assert.equal(plan.partial, true);
    assert.deepEqual(plan.item.execution_steps, []);
    assert.ok(dynaliteItemSize(marshall({ job_id: 'cjk', execution_steps: steps })) < DYNAMODB_ITEM_LIMIT_BYTES);
  });
});
