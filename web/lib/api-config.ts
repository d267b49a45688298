// Where the browser finds the API. Read on the server at request time (pages that call this are
// dynamic), so one `next build` serves any backend: `npm start` sets JOBDASH_API_URL to the
// backend it started, a deployment sets it to its own API.
export const DEFAULT_API_URL = 'http://127.0.0.1:4000';

/** The API's origin (routes live under `/api`), without a trailing slash. */
export function readApiUrl(env: NodeJS.ProcessEnv = process.env): string {
  const value = env.JOBDASH_API_URL?.trim();
  return (value && value.length > 0 ? value : DEFAULT_API_URL).replace(/\/+$/, '');
}
