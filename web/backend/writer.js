// The worker's storage rule for execution steps:
//  - every job's full step list goes to S3 as one JSON array (complete, untruncated outputs);
//  - the DynamoDB item holds all steps when the item, sized exactly by DynamoDB's rules, fits under
//    its 400 KB item limit less a margin, otherwise only the first 5 steps plus
//    `execution_steps_s3_key`, which is what makes the API presign a URL and the browser fetch the
//    complete list; an item DynamoDB still refuses is written again with fewer steps and the key.
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { PutCommand } from '@aws-sdk/lib-dynamodb';

export const DYNAMODB_ITEM_LIMIT_BYTES = 400 * 1024;
/**
 * Room left under the limit when planning: the plan is sized exactly, the margin covers what the
 * published rules leave open (DynamoDB's own accounting may move by a few bytes).
 */
export const ITEM_SIZE_MARGIN_BYTES = 2 * 1024;
export const PARTIAL_STEP_COUNT = 5;

/** @param {string} jobId */
export function stepsObjectKey(jobId) {
  return `jobs/${jobId}/execution_steps.json`;
}

/**
 * DynamoDB's size of a number, from its decimal text (`String(value)` is what the SDK sends): the
 * number is stored in base 100 (pairs of decimal digits aligned on the decimal point, leading and
 * trailing zero pairs dropped) after one exponent byte, plus one byte for a negative sign; zero is
 * 1 byte; at most 21 bytes (38 significant digits). `1.5` is 01|50 and `120` is 01|20 (3 bytes
 * each, not 2), `-5` is 05 plus the sign (3 bytes).
 * @param {string} text
 * @returns {number}
 */
export function numberSize(text) {
  const match = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?\s*$/i.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) throw new TypeError(`not a number: ${text}`);
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  const digits = whole + fraction;
  const first = digits.search(/[1-9]/);
  if (first < 0) return 1;
  const last = digits.length - 1 - [...digits].reverse().findIndex((digit) => digit !== '0');
  // Power of ten of each digit: the digit at index i stands for 10^(point - 1 - i).
  const point = whole.length + Number(exponent);
  const high = point - 1 - first;
  const low = point - 1 - last;
  const pairs = Math.floor(high / 2) - Math.floor(low / 2) + 1;
  return Math.min(1 + pairs + (sign === '-' ? 1 : 0), 21);
}

/**
 * DynamoDB's size of a value, by its published sizing rules and its number encoding: strings and
 * binary by UTF-8 / raw length, numbers by `numberSize`, 1 byte for booleans and null, 3 bytes
 * for a list or map plus 1 per element (and each map key's UTF-8 length). `undefined` members
 * are left out, as the document client's `removeUndefinedValues` does.
 * @param {unknown} value
 * @returns {number}
 */
export function attributeSize(value) {
  if (value === null || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number' || typeof value === 'bigint') return numberSize(String(value));
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) {
    let size = 0;
    for (const element of value) size += attributeSize(element);
    return size;
  }
  if (Array.isArray(value)) {
    let size = 3;
    for (const element of value) if (element !== undefined) size += 1 + attributeSize(element);
    return size;
  }
  if (typeof value === 'object') {
    let size = 3;
    for (const [name, element] of Object.entries(/** @type {object} */ (value))) {
      if (element !== undefined) size += 1 + Buffer.byteLength(name) + attributeSize(element);
    }
    return size;
  }
  return 0;
}

/**
 * Size of a whole item: attribute names plus values (no map overhead at the top level).
 * @param {Record<string, unknown>} item
 */
export function itemSize(item) {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value !== undefined) size += Buffer.byteLength(name) + attributeSize(value);
  }
  return size;
}

/**
 * @typedef {object} JobRecord  job attributes other than the steps
 * @property {string} job_id
 * @property {string} status
 */

/**
 * @typedef {object} ItemPlan
 * @property {Record<string, unknown>} item  what goes to DynamoDB
 * @property {boolean} partial  true when the item holds the first steps and the S3 key (the list is in S3)
 * @property {number} itemBytes  the item's size by DynamoDB's rules (`itemSize`)
 */

/**
 * @typedef {object} PlanOptions
 * @property {number} [limitBytes]  the item limit (DYNAMODB_ITEM_LIMIT_BYTES)
 * @property {number} [marginBytes]  kept free under the limit (ITEM_SIZE_MARGIN_BYTES)
 * @property {string} [s3Key]
 * @property {'when_partial' | 'always'} [recordS3Key]
 * @property {number} [maxSteps]  a partial item (first steps and the key) of at most this many steps, even when all fit
 */

/**
 * Applies the storage rule without any I/O: every step when the item fits under the limit less
 * the margin, else the first 5 steps (as many of them as fit, possibly none: the S3 object still
 * has them all) plus `execution_steps_s3_key`.
 * @param {JobRecord & Record<string, unknown>} job
 * @param {Record<string, unknown>[]} steps
 * @param {PlanOptions} [options]
 * @returns {ItemPlan}
 */
export function planItem(job, steps, options = {}) {
  const limit = (options.limitBytes ?? DYNAMODB_ITEM_LIMIT_BYTES) - (options.marginBytes ?? ITEM_SIZE_MARGIN_BYTES);
  const s3Key = options.s3Key ?? stepsObjectKey(job.job_id);
  /** @type {Record<string, unknown>} */
  const base = { ...job, step_count: steps.length };
  if (options.recordS3Key === 'always') base.execution_steps_s3_key = s3Key;
  if (options.maxSteps === undefined) {
    const full = { ...base, execution_steps: steps };
    const fullBytes = itemSize(full);
    if (fullBytes <= limit) return { item: full, partial: false, itemBytes: fullBytes };
  }
  for (let kept = Math.min(PARTIAL_STEP_COUNT, options.maxSteps ?? Infinity, steps.length); kept >= 0; kept -= 1) {
    const item = { ...base, execution_steps: steps.slice(0, kept), execution_steps_s3_key: s3Key };
    const bytes = itemSize(item);
    if (bytes <= limit) return { item, partial: true, itemBytes: bytes };
  }
  throw new Error(`job ${job.job_id}: attributes alone exceed the DynamoDB item limit`);
}

/** @param {unknown} error DynamoDB's answer to an item over its size limit. */
export function isItemTooLarge(error) {
  const { name, message } = /** @type {{name?: unknown, message?: unknown}} */ (error ?? {});
  return name === 'ValidationException' && typeof message === 'string' && /item size|maximum allowed size/i.test(message);
}

/**
 * An item DynamoDB will not take as it is, whatever the attempt: over the size limit, or holding
 * a value it cannot store (a number out of its range, refused by DynamoDB, or one the document
 * client will not send without losing digits). Throttling, network and service errors are not.
 * @param {unknown} error
 */
export function isItemRefused(error) {
  const { name, message } = /** @type {{name?: unknown, message?: unknown}} */ (error ?? {});
  if (name === 'ValidationException') return true;
  return typeof message === 'string' && /MAX_SAFE_INTEGER|MIN_SAFE_INTEGER|Special numeric value/.test(message);
}

/**
 * @typedef {object} Storage
 * @property {import('@aws-sdk/lib-dynamodb').DynamoDBDocumentClient} ddb
 * @property {import('@aws-sdk/client-s3').S3Client} s3
 * @property {string} table
 * @property {string} bucket
 */

/**
 * Writes a job as the worker does: S3 object first (so a key in DynamoDB never points at an
 * object that was not written yet), then the DynamoDB item. Should DynamoDB still refuse the item
 * (over its size limit by its own accounting, or a step holding a number it cannot store), the
 * item is written again as a partial plan, the first steps under half the limit and then none, so
 * the job stays listed and readable from S3 (`fallback` counts those extra attempts).
 * @param {Storage} storage
 * @param {JobRecord & Record<string, unknown>} job
 * @param {Record<string, unknown>[]} steps
 * @param {Omit<PlanOptions, 's3Key'> & {body?: Buffer}} [writeOptions]  `body`: the S3 object's
 *   bytes when another writer produced them (the DynamoDB item is still planned from `steps`)
 * @returns {Promise<ItemPlan & {s3Key: string, s3Bytes: number, fallback: number}>}
 */
export async function writeJob(storage, job, steps, writeOptions = {}) {
  const { body: givenBody, ...options } = writeOptions;
  const s3Key = stepsObjectKey(job.job_id);
  const body = givenBody ?? Buffer.from(JSON.stringify(steps));
  await storage.s3.send(
    new PutObjectCommand({
      Bucket: storage.bucket,
      Key: s3Key,
      Body: body,
      ContentType: 'application/json; charset=utf-8',
    }),
  );
  const limitBytes = options.limitBytes ?? DYNAMODB_ITEM_LIMIT_BYTES;
  const plans = [
    () => planItem(job, steps, { ...options, s3Key }),
    () => planItem(job, steps, { ...options, s3Key, limitBytes: Math.floor(limitBytes / 2), marginBytes: 0, maxSteps: PARTIAL_STEP_COUNT }),
    () => planItem(job, steps, { ...options, s3Key, marginBytes: 0, maxSteps: 0 }),
  ];
  for (let attempt = 0; ; attempt += 1) {
    const plan = plans[attempt]();
    try {
      await storage.ddb.send(new PutCommand({ TableName: storage.table, Item: plan.item }));
      return { ...plan, s3Key, s3Bytes: body.byteLength, fallback: attempt };
    } catch (error) {
      if (!isItemRefused(error) || attempt === plans.length - 1) throw error;
    }
  }
}

/**
 * Writes only the DynamoDB item, as workers before the S3 optimization did.
 * @param {Storage} storage
 * @param {Record<string, unknown>} item
 */
export async function writeItemOnly(storage, item) {
  await storage.ddb.send(new PutCommand({ TableName: storage.table, Item: item }));
}

/**
 * Removes a job's S3 object (what a lifecycle rule or a mistaken cleanup does).
 * @param {Storage} storage
 * @param {string} jobId
 */
export async function deleteStepsObject(storage, jobId) {
  await storage.s3.send(new DeleteObjectCommand({ Bucket: storage.bucket, Key: stepsObjectKey(jobId) }));
}
