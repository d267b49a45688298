// Backend configuration from options (tests, CLI) over environment variables over defaults.
// Which storage is used:
//  - `local` (default): dynalite and s3rver started in this process, S3 behind the fault proxy;
//  - `endpoints`: AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL_S3 point at emulators you run;
//  - `aws`: the usual AWS variables (AWS_ACCESS_KEY_ID, AWS_PROFILE, ...) are set and the
//    endpoint variables are not; the SDK's default credential chain and region are used.
// CloudFront (cloudfront.js): CLOUDFRONT_* variables make the API sign CloudFront URLs in any
// mode; `cloudfront: true` (--cloudfront) puts a local edge with a throwaway key pair in front of
// the fault proxy instead.
import { readFileSync } from 'node:fs';

export const DEFAULTS = Object.freeze({
  host: '127.0.0.1',
  apiPort: 4000,
  s3Port: 4569,
  cdnPort: 4570,
  table: 'jobdash-jobs',
  bucket: 'jobdash-execution-steps',
  region: 'us-east-1',
  corsOrigins: ['http://localhost:3000', 'http://127.0.0.1:3000'],
  presignExpiresSeconds: 3600,
  runningIntervalMs: 3000,
});

const AWS_CREDENTIAL_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_PROFILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
];

/**
 * @typedef {object} BackendOptions
 * @property {'local' | 'endpoints' | 'aws'} [mode]
 * @property {string} [host]
 * @property {number} [port]  API port (0: ephemeral)
 * @property {number} [s3Port]  public S3 port, i.e. the fault proxy's (0: ephemeral)
 * @property {string} [table]
 * @property {string} [bucket]
 * @property {string} [region]
 * @property {string[]} [corsOrigins]  dashboard origins allowed by the API and the bucket ('*' for any)
 * @property {string[]} [allowedHosts]  Host names the servers answer to besides localhost, 127.0.0.1, [::1] and `host`
 * @property {string} [dataDir]  where s3rver's temporary directory is made (default: the OS temporary directory)
 * @property {number} [presignExpiresSeconds]
 * @property {boolean | {big?: boolean, running?: boolean}} [demo]  write the demo jobs (default: local modes only)
 * @property {number} [runningIntervalMs]  running demo job: ms between new steps (0: only on admin advance)
 * @property {string[]} [faults]  initial fault specs as given to --fault
 * @property {boolean} [admin]  serve /__admin routes (default: when the fault proxy runs)
 * @property {boolean} [log]  one line per API request on stderr
 * @property {boolean} [cloudfront]  local modes: sign CloudFront URLs for a local edge with a throwaway key pair
 * @property {number} [cdnPort]  the local edge's port (0: ephemeral)
 */

/** @param {string | undefined} text @param {string} name */
function parsePort(text, name) {
  if (text === undefined || text === '') return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name}: not a port: ${text}`);
  return port;
}

/**
 * CLOUDFRONT_DOMAIN (the distribution's domain, or an https URL), CLOUDFRONT_KEY_PAIR_ID and
 * CLOUDFRONT_PRIVATE_KEY (PEM text) or CLOUDFRONT_PRIVATE_KEY_FILE: all or none.
 * @param {NodeJS.ProcessEnv} env
 * @returns {import('./cloudfront.js').CloudFrontSigner | null}
 */
function cloudFrontFromEnv(env) {
  const domain = env.CLOUDFRONT_DOMAIN?.trim();
  const keyPairId = env.CLOUDFRONT_KEY_PAIR_ID?.trim();
  const privateKey = env.CLOUDFRONT_PRIVATE_KEY || (env.CLOUDFRONT_PRIVATE_KEY_FILE ? readFileSync(env.CLOUDFRONT_PRIVATE_KEY_FILE, 'utf8') : '');
  if (!domain && !keyPairId && !privateKey) return null;
  if (!domain || !keyPairId || !privateKey) {
    throw new Error('CloudFront needs CLOUDFRONT_DOMAIN, CLOUDFRONT_KEY_PAIR_ID and CLOUDFRONT_PRIVATE_KEY (or CLOUDFRONT_PRIVATE_KEY_FILE)');
  }
  return { baseUrl: /^https?:\/\//.test(domain) ? domain : `https://${domain}`, keyPairId, privateKey };
}

/**
 * @param {BackendOptions} options
 * @param {NodeJS.ProcessEnv} env
 */
export function resolveConfig(options = {}, env = process.env) {
  const s3Endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
  const dynamoEndpoint = env.AWS_ENDPOINT_URL_DYNAMODB || env.AWS_ENDPOINT_URL || undefined;
  const hasCredentials = AWS_CREDENTIAL_VARIABLES.some((name) => Boolean(env[name]));
  const mode =
    options.mode ?? (s3Endpoint || dynamoEndpoint ? 'endpoints' : hasCredentials ? 'aws' : 'local');
  const origins =
    options.corsOrigins ??
    (env.DASHBOARD_ORIGIN ? env.DASHBOARD_ORIGIN.split(',').map((o) => o.trim()).filter(Boolean) : undefined) ??
    [...DEFAULTS.corsOrigins];
  const demoDefault = mode !== 'aws';
  const demoEnv = env.JOBDASH_DEMO === undefined ? undefined : env.JOBDASH_DEMO !== '0';
  const demoOption = options.demo ?? demoEnv ?? demoDefault;
  const demo =
    demoOption === false
      ? null
      : { big: true, running: true, ...(typeof demoOption === 'object' ? demoOption : {}) };
  return {
    mode,
    host: options.host ?? env.JOBDASH_HOST ?? DEFAULTS.host,
    apiPort: options.port ?? parsePort(env.JOBDASH_API_PORT, 'JOBDASH_API_PORT') ?? DEFAULTS.apiPort,
    s3Port: options.s3Port ?? parsePort(env.JOBDASH_S3_PORT, 'JOBDASH_S3_PORT') ?? DEFAULTS.s3Port,
    table: options.table ?? env.JOBS_TABLE ?? DEFAULTS.table,
    bucket: options.bucket ?? env.EXECUTION_STEPS_BUCKET ?? DEFAULTS.bucket,
    region: options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? DEFAULTS.region,
    // Taken from `env` explicitly so a caller-supplied environment is honoured; otherwise the
    // SDK's default chain (profiles, web identity, containers) applies.
    credentials:
      env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
        ? {
            accessKeyId: env.AWS_ACCESS_KEY_ID,
            secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
            ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
          }
        : undefined,
    s3Endpoint: mode === 'endpoints' ? s3Endpoint : undefined,
    dynamoEndpoint: mode === 'endpoints' ? dynamoEndpoint : undefined,
    corsOrigins: origins,
    allowedHosts:
      options.allowedHosts ??
      (env.JOBDASH_ALLOWED_HOSTS ? env.JOBDASH_ALLOWED_HOSTS.split(',').map((h) => h.trim()).filter(Boolean) : []),
    dataDir: options.dataDir ?? env.JOBDASH_DATA_DIR ?? undefined,
    presignExpiresSeconds:
      options.presignExpiresSeconds ??
      (env.PRESIGN_EXPIRES_SECONDS ? Number(env.PRESIGN_EXPIRES_SECONDS) : DEFAULTS.presignExpiresSeconds),
    demo,
    runningIntervalMs:
      options.runningIntervalMs ??
      (env.JOBDASH_RUNNING_INTERVAL_MS ? Number(env.JOBDASH_RUNNING_INTERVAL_MS) : DEFAULTS.runningIntervalMs),
    faults: options.faults ?? (env.JOBDASH_FAULT ? env.JOBDASH_FAULT.split(',') : []),
    admin: options.admin ?? mode === 'local',
    // A real distribution: the API signs CloudFront URLs instead of presigning S3.
    cloudfront: cloudFrontFromEnv(env),
    localCloudfront: options.cloudfront ?? env.JOBDASH_CLOUDFRONT === '1',
    cdnPort: options.cdnPort ?? parsePort(env.JOBDASH_CDN_PORT, 'JOBDASH_CDN_PORT') ?? DEFAULTS.cdnPort,
    log: options.log ?? false,
  };
}

/** @typedef {ReturnType<typeof resolveConfig>} BackendConfig */
