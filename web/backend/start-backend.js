// Composes the local backend: storage (stand-ins or AWS), the fault proxy, the demo jobs, the
// running job's timer and the API. `startBackend({port: 0, s3Port: 0})` is what tests call.
import { resolveConfig } from './config.js';
import { createRunningJob, DEMO_FAULT_RULES, writeStaticDemoJobs } from './demo-jobs.js';
import { FAULT_MODES, FaultTable, parseFaultRule, parseFaultSwitch } from './faults.js';
import { startS3Proxy } from './s3-proxy.js';
import { createDynamoClients, createS3Client, ensureBucket, ensureJobsTable, startStandIns } from './storage.js';
import { startApi } from './api.js';
import { localKeyPair, startCloudFrontEdge } from './cloudfront.js';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

/**
 * @param {import('./config.js').BackendOptions} [options]
 * @param {NodeJS.ProcessEnv} [env]
 */
export async function startBackend(options = {}, env = process.env) {
  const config = resolveConfig(options, env);
  /** @type {(() => Promise<void>)[]} */
  const stops = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  };
  try {
    const initialRules = config.faults.map((spec) => {
      const parsed = parseFaultSwitch(spec);
      if (!parsed.ok) throw new Error(parsed.message);
      return parsed.rule;
    });

    /** @type {import('./writer.js').Storage} */
    let storage;
    /** @type {import('@aws-sdk/client-s3').S3Client} */
    let presignS3;
    /** @type {Awaited<ReturnType<typeof startS3Proxy>> | null} */
    let proxy = null;
    /** @type {FaultTable | null} */
    let faults = null;
    /** @type {string} */
    let s3Url;
    /** @type {string} */
    let dynamoUrl;
    /** @type {{s3Url: string, dynamoUrl: string, directory: string} | null} */
    let standInsSeen = null;
    if (config.mode === 'local') {
      // The stand-ins serve the backend alone: the fault proxy is the only S3 port browsers reach.
      const standIns = await startStandIns({ bucket: config.bucket, corsOrigins: config.corsOrigins, backendOnly: true, dataDir: config.dataDir });
      stops.push(standIns.stop);
      const s3 = createS3Client({ region: config.region, endpoint: standIns.s3Url, credentials: standIns.credentials });
      const dynamo = createDynamoClients({ region: config.region, endpoint: standIns.dynamoUrl, credentials: standIns.credentials });
      stops.push(async () => {
        s3.destroy();
        dynamo.client.destroy();
      });
      await ensureJobsTable(dynamo.client, config.table);
      storage = { ddb: dynamo.documents, s3, table: config.table, bucket: config.bucket };
      faults = new FaultTable(config.demo ? DEMO_FAULT_RULES.map((rule) => ({ ...rule })) : []);
      for (const rule of initialRules) faults.set(rule);
      proxy = await startS3Proxy({
        host: config.host,
        port: config.s3Port,
        upstreamUrl: standIns.s3Url,
        bucket: config.bucket,
        corsOrigins: config.corsOrigins,
        faults,
        credentials: [standIns.credentials],
        allowedHosts: config.allowedHosts,
      });
      stops.push(proxy.stop);
      // Signed for the proxy's host: that is the URL the browser will fetch.
      presignS3 = createS3Client({ region: config.region, endpoint: proxy.url, credentials: standIns.credentials });
      stops.push(async () => presignS3.destroy());
      s3Url = proxy.url;
      dynamoUrl = standIns.dynamoUrl;
      standInsSeen = { s3Url: standIns.s3Url, dynamoUrl: standIns.dynamoUrl, directory: standIns.directory };
    } else {
      if (initialRules.length > 0) throw new Error('--fault needs the local stand-ins (the fault proxy runs only there)');
      const s3 = createS3Client({ region: config.region, endpoint: config.s3Endpoint, credentials: config.credentials });
      const dynamo = createDynamoClients({ region: config.region, endpoint: config.dynamoEndpoint, credentials: config.credentials });
      stops.push(async () => {
        s3.destroy();
        dynamo.client.destroy();
      });
      if (config.mode === 'endpoints') {
        await ensureJobsTable(dynamo.client, config.table);
        if (config.s3Endpoint) await ensureBucket(s3, config.bucket, config.corsOrigins);
      }
      storage = { ddb: dynamo.documents, s3, table: config.table, bucket: config.bucket };
      presignS3 = s3;
      s3Url = config.s3Endpoint ?? `https://s3.${config.region}.amazonaws.com`;
      dynamoUrl = config.dynamoEndpoint ?? `https://dynamodb.${config.region}.amazonaws.com`;
    }

    /** @type {import('./cloudfront.js').CloudFrontSigner | null} */
    let cloudfront = config.cloudfront;
    /** @type {Awaited<ReturnType<typeof startCloudFrontEdge>> | null} */
    let edge = null;
    if (config.localCloudfront) {
      if (!proxy) throw new Error('--cloudfront needs the local stand-ins (the edge fronts the fault proxy)');
      const keyPair = localKeyPair();
      const signer = presignS3;
      edge = await startCloudFrontEdge({
        host: config.host,
        port: config.cdnPort,
        originUrl: proxy.url,
        bucket: config.bucket,
        corsOrigins: config.corsOrigins,
        keys: new Map([[keyPair.keyPairId, keyPair.publicKey]]),
        // The edge's own request to the origin, signed as CloudFront's origin access control does.
        signOrigin: (key) => getSignedUrl(signer, new GetObjectCommand({ Bucket: config.bucket, Key: key }), { expiresIn: 3600 }),
        allowedHosts: config.allowedHosts,
      });
      stops.push(edge.stop);
      cloudfront = { baseUrl: edge.url, keyPairId: keyPair.keyPairId, privateKey: keyPair.privateKey };
    }

    /** @type {Record<string, import('./demo-jobs.js').ExpectedJob>} */
    let expected = {};
    /** @type {ReturnType<typeof createRunningJob> | null} */
    let running = null;
    if (config.demo) {
      expected = await writeStaticDemoJobs(storage, { big: config.demo.big });
      if (config.demo.running) {
        // Far enough back that every generated timestamp (all 24 steps) lies in the past.
        running = createRunningJob(storage, { startTimeMs: Date.now() - 15 * 60_000 });
        await running.start();
        if (config.runningIntervalMs > 0) {
          const runningJob = running;
          const timer = setInterval(() => {
            if (runningJob.done) {
              clearInterval(timer);
              return;
            }
            runningJob.advance().catch((error) => console.error('[demo] running job write failed:', error));
          }, config.runningIntervalMs);
          timer.unref();
          stops.push(async () => {
            clearInterval(timer);
            await runningJob.settled();
          });
        }
      }
    }

    /**
     * @param {string} method
     * @param {string} path
     * @param {unknown} body
     * @returns {Promise<{status: number, body: unknown}>}
     */
    async function admin(method, path, body) {
      if (!faults || !proxy) return { status: 404, body: { error: { code: 'not_found', message: 'no fault proxy' } } };
      if (path === '/__admin/fault' && method === 'POST') {
        const parsed = parseFaultRule(body);
        if (!parsed.ok) return { status: 400, body: { error: { code: 'bad_request', message: parsed.message } } };
        faults.set(parsed.rule);
        return { status: 200, body: { rules: faults.list() } };
      }
      if (path === '/__admin/fault' && method === 'GET') return { status: 200, body: { rules: faults.list(), modes: FAULT_MODES } };
      if (path === '/__admin/requests' && method === 'GET') return { status: 200, body: { objects: proxy.requests() } };
      if (path === '/__admin/requests' && (method === 'DELETE' || method === 'POST')) {
        proxy.resetRequests();
        return { status: 200, body: { objects: {} } };
      }
      if (path === '/__admin/reset' && method === 'POST') {
        faults.reset();
        proxy.resetRequests();
        return { status: 200, body: { rules: faults.list() } };
      }
      if (path === '/__admin/running/advance' && method === 'POST' && running) {
        return { status: 200, body: { step_count: await running.advance(), done: running.done } };
      }
      if (path === '/__admin/running/restart' && method === 'POST' && running) {
        return { status: 200, body: { step_count: await running.restart(), done: running.done } };
      }
      if (path === '/__admin/expected' && method === 'GET') return { status: 200, body: { jobs: expected } };
      return { status: 404, body: { error: { code: 'not_found', message: `no admin route ${method} ${path}` } } };
    }

    const api = await startApi({
      host: config.host,
      port: config.apiPort,
      ddb: storage.ddb,
      presignS3,
      table: config.table,
      bucket: config.bucket,
      corsOrigins: config.corsOrigins,
      allowedHosts: config.allowedHosts,
      presignExpiresSeconds: config.presignExpiresSeconds,
      cloudfront,
      admin: config.admin ? admin : null,
      log: config.log,
    });
    stops.push(api.stop);

    return {
      config,
      apiUrl: api.url,
      s3Url,
      dynamoUrl,
      /** Local mode: the stand-ins' loopback URLs (the backend's alone) and s3rver's directory. */
      standIns: standInsSeen,
      storage,
      presignS3,
      /** What the demo jobs hold (counts, exact totals), keyed by job id. */
      expected,
      runningJob: running,
      faults,
      proxy,
      /** `--cloudfront`: the local edge; the signer the API uses when CloudFront signs (else null). */
      edge,
      cloudfront,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
