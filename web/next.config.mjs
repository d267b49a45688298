import { fileURLToPath } from 'node:url';

/** Sent with every response; the Content-Security-Policy of pages comes from proxy.ts (a nonce per request). */
export const SECURITY_HEADERS = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  // Nothing the dashboard loads or links to learns which page (and which job) it came from.
  { key: 'Referrer-Policy', value: 'no-referrer' },
  { key: 'X-Frame-Options', value: 'DENY' },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // npm workspaces: dependencies are hoisted to the repository root.
  turbopack: { root: fileURLToPath(new URL('..', import.meta.url)) },
  async headers() {
    return [{ source: '/:path*', headers: SECURITY_HEADERS }];
  },
};

export default nextConfig;
