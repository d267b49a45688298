// Every page of the dashboard gets a fresh nonce and the Content-Security-Policy built around it
// (Next.js reads the nonce from the request's policy and puts it on its scripts). The other
// security headers, for every response, are in next.config.mjs. A page asked for under a Host
// this machine does not answer to (DNS rebinding) is refused, by the local servers' own rule.
import { NextResponse, type NextRequest } from 'next/server';
import { allowedHostNames, hostAllowed } from './backend/host-names.js';
import { readApiUrl } from './lib/api-config';
import { contentSecurityPolicy } from './lib/content-security-policy';

const hostNames = allowedHostNames(
  process.env.HOST ?? '127.0.0.1',
  (process.env.JOBDASH_ALLOWED_HOSTS ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== ''),
);

export function proxy(request: NextRequest) {
  if (!hostAllowed(request.headers.get('host') ?? undefined, hostNames)) {
    return new NextResponse('Host header not allowed\n', { status: 403, headers: { 'Content-Type': 'text/plain' } });
  }
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString('base64');
  const policy = contentSecurityPolicy({
    nonce,
    apiUrl: readApiUrl(),
    dev: process.env.NODE_ENV === 'development',
    env: process.env,
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set('Content-Security-Policy', policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('Content-Security-Policy', policy);
  return response;
}

export const config = {
  matcher: [
    {
      // Documents only: not the build's static files, nor router prefetches (data, not pages).
      source: '/((?!_next/static|_next/image|favicon.ico).*)',
      missing: [
        { type: 'header', key: 'next-router-prefetch' },
        { type: 'header', key: 'purpose', value: 'prefetch' },
      ],
    },
  ],
};
