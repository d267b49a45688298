// The dashboard's Content-Security-Policy, built per request by proxy.ts with a fresh nonce.
//
// Scripts: only those carrying the request's nonce (Next.js puts it on its own scripts) and what
// they load ('strict-dynamic'), the wasm module ('wasm-unsafe-eval'), and the output frames' link
// handler by its hash; workers from the dashboard's origin only. Step outputs are framed with
// `srcdoc`, and a srcdoc document inherits this policy on top of its own: images, styles and fonts
// therefore allow https here so that "Load remote content" can work inside a frame, whose own
// policy refuses them until the user asks.
import { LINK_SCRIPT_HASH } from './output-document';

export interface PolicyOptions {
  nonce: string;
  /** Where the browser reaches the API (JOBDASH_API_URL). */
  apiUrl: string;
  /** `next dev` needs eval for its error overlay. */
  dev?: boolean;
  /** Variables: AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL (an S3 endpoint the presigned URLs point at), JOBDASH_CONNECT_SRC (more sources). */
  env?: Partial<NodeJS.ProcessEnv>;
}

function origin(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : null;
  } catch {
    return null;
  }
}

/**
 * Where the page may fetch from: itself (the wasm file), the API, the S3 bucket of the presigned
 * URLs. The local S3 stand-in runs on the API's host with another port; real S3 is on amazonaws.com.
 */
export function connectSources(apiUrl: string, env: Partial<NodeJS.ProcessEnv> = {}): string[] {
  const sources = new Set(["'self'"]);
  const api = origin(apiUrl);
  if (api) {
    const { protocol, hostname } = new URL(api);
    sources.add(api);
    sources.add(`${protocol}//${hostname.includes(':') ? `[${hostname.replace(/^\[|\]$/g, '')}]` : hostname}:*`);
  }
  sources.add('https://*.amazonaws.com');
  const s3 = origin(env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL);
  if (s3) sources.add(s3);
  for (const extra of (env.JOBDASH_CONNECT_SRC ?? '').split(/\s+/)) {
    if (/^(https?:\/\/[^\s;,']+|'self')$/.test(extra)) sources.add(extra);
  }
  return [...sources];
}

export function contentSecurityPolicy({ nonce, apiUrl, dev = false, env = {} }: PolicyOptions): string {
  return [
    "default-src 'self'",
    `script-src 'nonce-${nonce}' 'strict-dynamic' ${LINK_SCRIPT_HASH} 'wasm-unsafe-eval'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline' https:",
    "img-src 'self' data: blob: https:",
    "font-src 'self' data: https:",
    `connect-src ${connectSources(apiUrl, env).join(' ')}`,
    // The job page reads the steps download in a module Worker from the build (createWorkerFetch).
    // Without this, workers fall back to script-src, whose 'strict-dynamic' lets a script start a
    // worker from any URL: 'self' keeps them to the dashboard's own scripts.
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

