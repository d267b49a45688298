// The worker's storage rule for execution steps:
//  - every job's full step list goes to S3 as one JSON array (complete, untruncated outputs);
//  - the DynamoDB item holds all steps when the item fits under DynamoDB's 400 KB item limit,
//    otherwise only the first 5 steps plus `execution_steps_s3_key`, which is what makes the API
//    presign a URL and the browser fetch the complete list.
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { PutCommand } from '@aws-sdk/lib-dynamodb';

export const DYNAMODB_ITEM_LIMIT_BYTES = 400 * 1024;
export const PARTIAL_STEP_COUNT = 5;

/** @param {string} jobId */
export function stepsObjectKey(jobId) {
  return `jobs/${jobId}/execution_steps.json`;
}

/**
 * DynamoDB's size of a value, following the published sizing rules: strings and binary by
 * UTF-8 length, numbers by significant digits (about one byte per two digits plus one), 1 byte
 * for booleans and null, 3 bytes for a list or map plus 1 per element (and the key's length).
 * @param {unknown} value
 * @returns {number}
 */
export function attributeSize(value) {
  if (value === null || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number' || typeof value === 'bigint') {
    const digits = String(value)
      .replace(/^-/, '')
      .replace(/e.*$/i, '')
      .replace('.', '')
      .replace(/^0+/, '')
      .replace(/0+$/, '');
    return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
  }
  if (value instanceof Uint8Array) return value.byteLength;
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
 * @property {boolean} partial  true when the item holds fewer steps than the job has
 * @property {number} itemBytes
 */

/**
 * Applies the storage rule without any I/O.
 * If even the first 5 steps do not fit (huge first outputs) the item keeps as many of them as
 * fit, possibly none: the S3 object still has them all.
 * @param {JobRecord & Record<string, unknown>} job
 * @param {Record<string, unknown>[]} steps
 * @param {{limitBytes?: number, s3Key?: string, recordS3Key?: 'when_partial' | 'always'}} [options]
 * @returns {ItemPlan}
 */
export function planItem(job, steps, options = {}) {
  const limit = options.limitBytes ?? DYNAMODB_ITEM_LIMIT_BYTES;
  const s3Key = options.s3Key ?? stepsObjectKey(job.job_id);
  /** @type {Record<string, unknown>} */
  const base = { ...job, step_count: steps.length };
  if (options.recordS3Key === 'always') base.execution_steps_s3_key = s3Key;
  const full = { ...base, execution_steps: steps };
  const fullBytes = itemSize(full);
  if (fullBytes <= limit) return { item: full, partial: false, itemBytes: fullBytes };
  for (let kept = Math.min(PARTIAL_STEP_COUNT, steps.length); kept >= 0; kept -= 1) {
    const item = { ...base, execution_steps: steps.slice(0, kept), execution_steps_s3_key: s3Key };
    const bytes = itemSize(item);
    if (bytes <= limit) return { item, partial: true, itemBytes: bytes };
  }
  throw new Error(`job ${job.job_id}: attributes alone exceed the DynamoDB item limit`);
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
 * object that was not written yet), then the DynamoDB item.
 * @param {Storage} storage
 * @param {JobRecord & Record<string, unknown>} job
 * @param {Record<string, unknown>[]} steps
 * @param {{limitBytes?: number, recordS3Key?: 'when_partial' | 'always'}} [options]
 * @returns {Promise<ItemPlan & {s3Key: string, s3Bytes: number}>}
 */
export async function writeJob(storage, job, steps, options = {}) {
  const s3Key = stepsObjectKey(job.job_id);
  const body = Buffer.from(JSON.stringify(steps));
  await storage.s3.send(
    new PutObjectCommand({
      Bucket: storage.bucket,
      Key: s3Key,
      Body: body,
      ContentType: 'application/json; charset=utf-8',
    }),
  );
  const plan = planItem(job, steps, { ...options, s3Key });
  await storage.ddb.send(new PutCommand({ TableName: storage.table, Item: plan.item }));
  return { ...plan, s3Key, s3Bytes: body.byteLength };
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
