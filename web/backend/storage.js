// Storage wiring: in-process stand-ins (dynalite, s3rver) and AWS SDK v3 clients for any mode.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CreateBucketCommand, HeadBucketCommand, PutBucketCorsCommand, S3Client } from '@aws-sdk/client-s3';
import { allowedHostNames, guardLibraryServer, jsonError, s3XmlError, standInGuard } from './http-guard.js';

// The stand-ins take any static pair; the fault proxy verifies presigned URLs against this one.
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
// What the bucket lets the dashboard read: ETag (conditional re-fetch), Content-Length and
// Content-Range (progress, ranges), Date (the server's clock), Retry-After (503 SlowDown).
export const EXPOSED_HEADERS = Object.freeze(['ETag', 'Content-Length', 'Content-Range', 'Date', 'Retry-After']);
// Where the stand-ins listen: this machine only.
const STAND_IN_HOST = '127.0.0.1';

/**
 * The Access-Control-Allow-Origin value for a request's Origin, or null when not allowed.
 * @param {string[]} allowed  origins, or '*'
 * @param {string | undefined} origin
 */
export function allowOriginFor(allowed, origin) {
  if (!origin) return null;
  if (allowed.includes('*')) return '*';
  return allowed.includes(origin) ? origin : null;
}

/** @param {string[]} origins */
export function bucketCorsXml(origins) {
  const allowed = origins.map((origin) => `<AllowedOrigin>${origin}</AllowedOrigin>`).join('');
  const exposed = EXPOSED_HEADERS.map((header) => `<ExposeHeader>${header}</ExposeHeader>`).join('');
  return (
    '<CORSConfiguration><CORSRule>' +
    allowed +
    '<AllowedMethod>GET</AllowedMethod><AllowedMethod>HEAD</AllowedMethod>' +
    '<AllowedHeader>*</AllowedHeader>' +
    exposed +
    '<MaxAgeSeconds>600</MaxAgeSeconds></CORSRule></CORSConfiguration>'
  );
}

/** @param {import('node:net').AddressInfo | string | null} address @param {string} host */
export function urlOf(address, host) {
  if (address === null || typeof address === 'string') throw new Error('server is not listening on TCP');
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

/**
 * Starts dynalite (in memory) and s3rver (on a fresh temporary directory under `dataDir`) on
 * ephemeral loopback ports. Both answer only to this machine's Host names; `backendOnly` (the
 * local mode, where the fault proxy is the public S3 port) also refuses anything a browser sent.
 * The stand-ins are development dependencies, loaded only here.
 * @param {{bucket: string, corsOrigins: string[], backendOnly?: boolean, dataDir?: string}} options
 */
export async function startStandIns({ bucket, corsOrigins, backendOnly = false, dataDir = tmpdir() }) {
  const [{ default: dynalite }, { default: S3rver }] = await Promise.all([import('dynalite'), import('s3rver')]);
  const hostNames = allowedHostNames(STAND_IN_HOST);
  const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  guardLibraryServer(dynamo, 'dynalite', standInGuard(hostNames, { backendOnly, methods: ['POST'] }), jsonError);
  dynamo.listen(0, STAND_IN_HOST);
  await once(dynamo, 'listening');
  await mkdir(dataDir, { recursive: true });
  const directory = await mkdtemp(join(dataDir, 'jobdash-s3-'));
  const s3rver = new S3rver({
    address: STAND_IN_HOST,
    port: 0,
    silent: true,
    directory,
    resetOnClose: true,
    configureBuckets: [{ name: bucket, configs: [bucketCorsXml(corsOrigins)] }],
  });
  const s3Address = await s3rver.run();
  if (!s3rver.httpServer) throw new Error('s3rver started without an HTTP server');
  // The methods of the S3 calls the backend makes (objects and buckets: get, head, put, delete).
  const s3Methods = backendOnly ? ['GET', 'HEAD', 'PUT', 'DELETE'] : ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'];
  guardLibraryServer(s3rver.httpServer, 's3rver', standInGuard(hostNames, { backendOnly, methods: s3Methods }), s3XmlError);
  return {
    dynamoUrl: urlOf(dynamo.address(), STAND_IN_HOST),
    s3Url: urlOf(s3Address, STAND_IN_HOST),
    /** s3rver's directory: every object lives below it. */
    directory,
    credentials: LOCAL_CREDENTIALS,
    async stop() {
      dynamo.closeAllConnections?.();
      await Promise.all([
        new Promise((resolve) => dynamo.close(() => resolve(undefined))),
        new Promise((resolve) => {
          s3rver.httpServer?.closeAllConnections?.();
          s3rver.close(() => resolve(undefined));
        }),
      ]);
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/**
 * @param {{region: string, endpoint?: string, credentials?: {accessKeyId: string, secretAccessKey: string, sessionToken?: string}}} options
 */
export function createS3Client({ region, endpoint, credentials }) {
  return new S3Client({
    region,
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    ...(credentials ? { credentials } : {}),
    // s3rver stores aws-chunked framing inside the object otherwise (see TOOLCHAIN.md).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/**
 * @param {{region: string, endpoint?: string, credentials?: {accessKeyId: string, secretAccessKey: string, sessionToken?: string}}} options
 */
export function createDynamoClients({ region, endpoint, credentials }) {
  const client = new DynamoDBClient({
    region,
    ...(endpoint ? { endpoint } : {}),
    ...(credentials ? { credentials } : {}),
  });
  const documents = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { client, documents };
}

/**
 * Creates the jobs table (partition key `job_id`) unless it exists.
 * @param {DynamoDBClient} client
 * @param {string} table
 */
export async function ensureJobsTable(client, table) {
  try {
    await client.send(new DescribeTableCommand({ TableName: table }));
    return;
  } catch (error) {
    if (/** @type {{name?: string}} */ (error).name !== 'ResourceNotFoundException') throw error;
  }
  await client.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [{ AttributeName: 'job_id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'job_id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}

/**
 * Creates the bucket, with CORS for the dashboard origins, unless it exists (emulators only:
 * a real bucket is provisioned, not created by the app).
 * @param {S3Client} s3
 * @param {string} bucket
 * @param {string[]} corsOrigins
 */
export async function ensureBucket(s3, bucket, corsOrigins) {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return;
  } catch (error) {
    const status = /** @type {{$metadata?: {httpStatusCode?: number}}} */ (error).$metadata?.httpStatusCode;
    if (status !== 404) throw error;
  }
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(
    new PutBucketCorsCommand({
      Bucket: bucket,
      CORSConfiguration: {
        CORSRules: [
          {
            AllowedOrigins: corsOrigins,
            AllowedMethods: ['GET', 'HEAD'],
            AllowedHeaders: ['*'],
            ExposeHeaders: [...EXPOSED_HEADERS],
            MaxAgeSeconds: 600,
          },
        ],
      },
    }),
  );
}
