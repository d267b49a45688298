// The demo jobs written at start. Every job is generated from a fixed seed and fixed times, so
// two runs write the same bytes and tests can assert exact counts and totals (`expected`).
import { formatMicroUsd, generateSteps, hostileSteps, summarize, truncateCodePoints } from './step-generator.js';
import { deleteStepsObject, planItem, writeItemOnly, writeJob } from './writer.js';

export const DEMO_JOB_IDS = Object.freeze({
  small: 'job-small-finished',
  big: 'job-big-5000',
  running: 'job-running',
  missingS3: 'job-missing-s3',
  flakyS3: 'job-flaky-s3',
  legacy: 'job-legacy-truncated',
  hostile: 'job-hostile-html',
  roughText: 'job-rough-text-5000',
});

export const LEGACY_HTML_LIMIT = 5000;
const BASE_TIME = Date.UTC(2026, 10, 2, 9, 0, 0);
const HOUR = 3_600_000;

/** The flaky job's S3 object answers 503 SlowDown to the first two requests of each presigned URL. */
export const DEMO_FAULT_RULES = Object.freeze([
  Object.freeze({
    mode: 'storm503',
    jobId: DEMO_JOB_IDS.flakyS3,
    times: 2,
    perUrl: true,
    chunkBytes: 16 * 1024,
    intervalMs: 20,
    cutAtBytes: null,
  }),
]);

/**
 * @param {string} jobId
 * @param {string} name
 * @param {string} status
 * @param {{steps: Record<string, unknown>[], micro: bigint, noCost: number, invalidCost: number}} generated
 * @param {number} createdMs
 */
function jobRecord(jobId, name, status, generated, createdMs) {
  const last = generated.steps.at(-1);
  const finished = status === 'completed' || status === 'failed';
  return {
    job_id: jobId,
    name,
    status,
    created_at: new Date(createdMs).toISOString(),
    updated_at: typeof last?.completed_at === 'string' ? last.completed_at : new Date(createdMs).toISOString(),
    ...(finished && typeof last?.completed_at === 'string' ? { completed_at: last.completed_at } : {}),
    total_cost_usd: formatMicroUsd(generated.micro),
  };
}

/**
 * @typedef {object} ExpectedJob
 * @property {string} job_id
 * @property {string} status
 * @property {'dynamodb' | 'partial+s3'} storage
 * @property {number} dynamodb_steps  steps inside the DynamoDB item
 * @property {boolean} s3_object  the key's object exists
 * @property {import('./step-generator.js').StepSummary} summary  of the complete list
 */

/**
 * @typedef {object} GeneratedJobDefinition
 * @property {string} jobId
 * @property {string} name
 * @property {number} seed
 * @property {number} startTimeMs
 * @property {Omit<import('./step-generator.js').StepOptions, 'jobId' | 'seed' | 'startTimeMs'>} shape
 */

/** Jobs generated and written with the storage rule; `generateSteps(demoStepOptions(def))` re-creates their steps. */
export const GENERATED_DEMO_JOBS = /** @type {Readonly<Record<'small' | 'big' | 'missingS3' | 'flakyS3', GeneratedJobDefinition>>} */ (
  Object.freeze({
    // Small, finished, fits in DynamoDB: no key, no URL. One HTML step carries the inert probe script.
    small: {
      jobId: DEMO_JOB_IDS.small,
      name: 'Landing page, small',
      seed: 101,
      startTimeMs: BASE_TIME,
      shape: { count: 6, htmlEvery: 3, htmlBytes: 6_000, textBytes: 400, probeSteps: [3] },
    },
    // 5,000 steps, a 50 KB HTML page every 10th step: about 31 MB in S3, first 5 in DynamoDB.
    big: { jobId: DEMO_JOB_IDS.big, name: 'Site rebuild, 5,000 steps', seed: 202, startTimeMs: BASE_TIME + HOUR, shape: { count: 5000 } },
    // Too big for DynamoDB, then its object disappears: the API still presigns, S3 answers 404.
    missingS3: {
      jobId: DEMO_JOB_IDS.missingS3,
      name: 'Report whose S3 object is gone',
      seed: 303,
      startTimeMs: BASE_TIME + 2 * HOUR,
      shape: { count: 40, htmlEvery: 2, htmlBytes: 30_000 },
    },
    // Too big for DynamoDB; the proxy answers 503 twice per presigned URL (DEMO_FAULT_RULES).
    flakyS3: {
      jobId: DEMO_JOB_IDS.flakyS3,
      name: 'Report behind a throttled bucket',
      seed: 404,
      startTimeMs: BASE_TIME + 3 * HOUR,
      shape: { count: 40, htmlEvery: 2, htmlBytes: 30_000 },
    },
  })
);

/** @param {GeneratedJobDefinition} definition */
export function demoStepOptions(definition) {
  return { ...definition.shape, jobId: definition.jobId, seed: definition.seed, startTimeMs: definition.startTimeMs };
}

/**
 * @param {import('./writer.js').Storage} storage
 * @param {{big?: boolean}} [options]
 * @returns {Promise<Record<string, ExpectedJob>>}
 */
export async function writeStaticDemoJobs(storage, options = {}) {
  /** @type {Record<string, ExpectedJob>} */
  const expected = {};
  for (const [key, definition] of Object.entries(GENERATED_DEMO_JOBS)) {
    if (key === 'big' && options.big === false) continue;
    expected[definition.jobId] = await writeGenerated(storage, definition);
  }
  await deleteStepsObject(storage, DEMO_JOB_IDS.missingS3);
  expected[DEMO_JOB_IDS.missingS3].s3_object = false;

  // Written by the worker before the S3 optimization: DynamoDB only, HTML cut at 5,000 characters.
  const legacyTime = Date.UTC(2025, 5, 12, 14, 0, 0);
  const legacy = generateSteps({ jobId: DEMO_JOB_IDS.legacy, seed: 505, count: 12, startTimeMs: legacyTime, htmlEvery: 3, htmlBytes: 20_000, textBytes: 600 });
  const legacySteps = legacy.steps.map((step) =>
    step.output_type === 'html' && typeof step.output === 'string'
      ? { ...step, output: truncateCodePoints(step.output, LEGACY_HTML_LIMIT) }
      : step,
  );
  const legacyPlan = planItem(
    jobRecord(DEMO_JOB_IDS.legacy, 'Legacy job (HTML cut at 5,000 characters)', 'completed', legacy, legacyTime),
    legacySteps,
  );
  if (legacyPlan.partial) throw new Error('legacy demo job must fit in one DynamoDB item');
  await writeItemOnly(storage, legacyPlan.item);
  expected[DEMO_JOB_IDS.legacy] = {
    job_id: DEMO_JOB_IDS.legacy,
    status: 'completed',
    storage: 'dynamodb',
    dynamodb_steps: legacySteps.length,
    s3_object: false,
    summary: summarize(legacy, legacySteps.length),
  };

  // LLM-written pages that reach for the network every way HTML can (the dashboard blocks it all).
  const hostileTime = BASE_TIME + 4 * HOUR;
  const hostile = hostileSteps(hostileTime);
  const hostilePlan = await writeJob(
    storage,
    jobRecord(DEMO_JOB_IDS.hostile, 'Pages with remote content (blocked until loaded)', 'completed', hostile, hostileTime),
    hostile.steps,
  );
  expected[DEMO_JOB_IDS.hostile] = {
    job_id: DEMO_JOB_IDS.hostile,
    status: 'completed',
    storage: hostilePlan.partial ? 'partial+s3' : 'dynamodb',
    dynamodb_steps: hostile.steps.length,
    s3_object: true,
    summary: summarize(hostile, hostile.steps.length),
  };
  if (options.big !== false) expected[DEMO_JOB_IDS.roughText] = await writeRoughTextJob(storage);
  return expected;
}

/**
 * 5,000 steps whose S3 document another writer produced with rough text: raw bytes that are not
 * UTF-8 in one output, a lone surrogate escape (what Python's json.dumps writes for one) in another,
 * and `cost_usd: 1e400` in a third. `JSON.parse` reads all of it, so the dashboard must too.
 * @param {import('./writer.js').Storage} storage
 * @returns {Promise<ExpectedJob & {rough: {invalidUtf8Step: number, loneSurrogateStep: number, hugeCostStep: number}}>}
 */
async function writeRoughTextJob(storage) {
  const jobId = DEMO_JOB_IDS.roughText;
  const startTimeMs = BASE_TIME + 5 * HOUR;
  const generated = generateSteps({ jobId, seed: 707, count: 5000, startTimeMs, htmlEvery: 0, textBytes: 300 });
  const steps = generated.steps;
  // Past the DynamoDB part (the first 5 steps), so only the S3 document holds the rough text.
  const invalidUtf8Step = 1200;
  const loneSurrogateStep = 2400;
  // A step without a cost: the huge one becomes an invalid cost and the exact total is unchanged.
  const hugeCostStep = steps.findIndex((step, i) => i >= 3000 && (step.cost_usd === undefined || step.cost_usd === null)) + 1;
  if (hugeCostStep === 0) throw new Error('the rough-text job needs a step without cost after step 3000');
  const marks = { utf8: '\u0000rough-utf8\u0000', surrogate: '\u0000rough-surrogate\u0000', cost: '\u0000rough-cost\u0000' };
  const marked = steps.map((step, i) =>
    i + 1 === invalidUtf8Step ? { ...step, output: marks.utf8 }
    : i + 1 === loneSurrogateStep ? { ...step, output: marks.surrogate }
    : i + 1 === hugeCostStep ? { ...step, cost_usd: marks.cost }
    : step,
  );
  const replace = (/** @type {string} */ text, /** @type {string} */ mark, /** @type {string} */ bytes) => {
    const quoted = JSON.stringify(mark);
    if (!text.includes(quoted)) throw new Error(`mark ${mark} not found`);
    return text.replace(quoted, bytes);
  };
  let text = JSON.stringify(marked);
  text = replace(text, marks.surrogate, '"a lone \\ud800 surrogate"');
  text = replace(text, marks.cost, '1e400');
  const [before, after] = text.split(JSON.stringify(marks.utf8));
  // "caf" + 0xFF 0xFE + " au lait": two bytes that are not UTF-8.
  const body = Buffer.concat([Buffer.from(before), Buffer.from('"caf'), Buffer.from([0xff, 0xfe]), Buffer.from(' au lait"'), Buffer.from(after)]);
  const plan = await writeJob(
    storage,
    jobRecord(jobId, 'Steps written with rough text (5,000 steps)', 'completed', generated, startTimeMs),
    steps,
    { body },
  );
  return {
    job_id: jobId,
    status: 'completed',
    storage: plan.partial ? 'partial+s3' : 'dynamodb',
    dynamodb_steps: /** @type {unknown[]} */ (plan.item.execution_steps).length,
    s3_object: true,
    summary: summarize({ ...generated, noCost: generated.noCost - 1, invalidCost: generated.invalidCost + 1 }, steps.length),
    rough: { invalidUtf8Step, loneSurrogateStep, hugeCostStep },
  };
}

/**
 * Generates a finished job's steps and writes them with the storage rule.
 * @param {import('./writer.js').Storage} storage
 * @param {GeneratedJobDefinition} definition
 * @returns {Promise<ExpectedJob>}
 */
async function writeGenerated(storage, definition) {
  const { jobId, name, startTimeMs } = definition;
  const generated = generateSteps(demoStepOptions(definition));
  const plan = await writeJob(storage, jobRecord(jobId, name, 'completed', generated, startTimeMs), generated.steps);
  const steps = /** @type {unknown[]} */ (plan.item.execution_steps);
  return {
    job_id: jobId,
    status: 'completed',
    storage: plan.partial ? 'partial+s3' : 'dynamodb',
    dynamodb_steps: steps.length,
    s3_object: true,
    summary: summarize(generated, generated.steps.length),
  };
}

export const RUNNING_JOB_TOTAL_STEPS = 24;

/**
 * The running job: starts with 3 steps, gains one per advance(), and completes after
 * RUNNING_JOB_TOTAL_STEPS. Every other step writes a 40 KB HTML page, so the item outgrows
 * DynamoDB partway through and the job switches to "first 5 + S3 key" while it runs.
 * Writes are serialized; each advance() resolves after its write.
 * @param {import('./writer.js').Storage} storage
 * @param {{startTimeMs: number}} options
 */
export function createRunningJob(storage, { startTimeMs }) {
  const jobId = DEMO_JOB_IDS.running;
  let count = 3;
  /** @type {Promise<unknown>} */
  let chain = Promise.resolve();

  function snapshot() {
    const generated = generateSteps({ jobId, seed: 606, count, startTimeMs, htmlEvery: 2, htmlBytes: 40_000 });
    const done = count >= RUNNING_JOB_TOTAL_STEPS;
    const steps = generated.steps.map((step, index) =>
      !done && index === generated.steps.length - 1
        ? { ...step, status: 'running', completed_at: null, duration_ms: null }
        : step,
    );
    return { generated, steps, status: done ? 'completed' : 'running' };
  }

  function write() {
    const { generated, steps, status } = snapshot();
    return writeJob(storage, jobRecord(jobId, 'Nightly crawl (running)', status, generated, startTimeMs), steps);
  }

  return {
    jobId,
    get count() {
      return count;
    },
    get done() {
      return count >= RUNNING_JOB_TOTAL_STEPS;
    },
    /** Writes the current state (call once at start). */
    start() {
      chain = chain.then(write);
      return chain;
    },
    /** Adds a step (the last one completes the job). Resolves to the step count. */
    advance() {
      const next = chain.then(async () => {
        if (count < RUNNING_JOB_TOTAL_STEPS) {
          count += 1;
          await write();
        }
        return count;
      });
      chain = next.catch(() => undefined);
      return next;
    },
    /** Resolves when no write is in flight (used before shutting storage down). */
    settled() {
      return chain.then(
        () => undefined,
        () => undefined,
      );
    },
    /** Back to 3 steps and running. */
    restart() {
      const next = chain.then(async () => {
        count = 3;
        await write();
        return count;
      });
      chain = next.catch(() => undefined);
      return next;
    },
  };
}
