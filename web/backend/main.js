#!/usr/bin/env node
// Starts the local backend: stand-ins (or AWS), fault proxy, demo jobs, API. Ctrl-C stops all.
// Usage: node web/backend/main.js [--port N] [--s3-port N] [--host H] [--allowed-host NAME]...
//        [--origin URL]... [--fault mode[:jobId][*times]]... [--no-demo] [--no-big]
//        [--running-interval-ms N] [--data-dir DIR] [--log] [--cloudfront] [--cdn-port N]
import { parseArgs } from 'node:util';
import { startBackend } from './start-backend.js';

// The SDK versions are pinned (lockfile) to releases that support Node 20; the notice about
// future releases is not actionable here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    's3-port': { type: 'string' },
    host: { type: 'string' },
    'allowed-host': { type: 'string', multiple: true },
    'data-dir': { type: 'string' },
    origin: { type: 'string', multiple: true },
    fault: { type: 'string', multiple: true },
    'no-demo': { type: 'boolean' },
    'no-big': { type: 'boolean' },
    'running-interval-ms': { type: 'string' },
    log: { type: 'boolean' },
    cloudfront: { type: 'boolean' },
    'cdn-port': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(
    'node web/backend/main.js [--port N] [--s3-port N] [--host H] [--allowed-host NAME]... [--origin URL]... ' +
      '[--fault mode[:jobId][*times]]... [--no-demo] [--no-big] [--running-interval-ms N] [--data-dir DIR] [--log] [--cloudfront] [--cdn-port N]\n' +
      'See web/backend/README.md for the environment variables.',
  );
  process.exit(0);
}

/** @param {string | undefined} text */
const int = (text) => (text === undefined ? undefined : Number.parseInt(text, 10));

const backend = await startBackend({
  port: int(values.port),
  s3Port: int(values['s3-port']),
  host: values.host,
  allowedHosts: values['allowed-host'],
  dataDir: values['data-dir'],
  corsOrigins: values.origin,
  faults: values.fault,
  demo: values['no-demo'] ? false : values['no-big'] ? { big: false } : undefined,
  runningIntervalMs: int(values['running-interval-ms']),
  log: values.log,
  cloudfront: values.cloudfront,
  cdnPort: int(values['cdn-port']),
});

console.log(`jobdash backend (${backend.config.mode})`);
console.log(`  API        ${backend.apiUrl}/api/jobs`);
console.log(`  S3         ${backend.s3Url}${backend.proxy ? '  (fault proxy in front of s3rver)' : ''}`);
console.log(`  DynamoDB   ${backend.dynamoUrl}`);
if (backend.edge) console.log(`  CloudFront ${backend.edge.url}  (local edge in front of the S3 proxy; key pair ${backend.cloudfront?.keyPairId})`);
else if (backend.cloudfront) console.log(`  CloudFront ${backend.cloudfront.baseUrl}  (key pair ${backend.cloudfront.keyPairId})`);
console.log(`  table ${backend.config.table}, bucket ${backend.config.bucket}, CORS origins ${backend.config.corsOrigins.join(' ')}`);
if (backend.proxy) console.log(`  admin      POST ${backend.apiUrl}/__admin/fault {"mode": ..., "jobId"?: ...}`);
for (const [id, job] of Object.entries(backend.expected)) {
  console.log(`  demo job   ${id}: ${job.summary.count} steps, ${job.storage}, total $${job.summary.total_cost_usd}`);
}
if (backend.runningJob) console.log(`  demo job   ${backend.runningJob.jobId}: gains a step every ${backend.config.runningIntervalMs} ms`);

let stopping = false;
/** @param {string} signal */
async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping`);
  await backend.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
