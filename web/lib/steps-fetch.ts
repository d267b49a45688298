// The fetch the job page gives its client: requests, and above all the reads of the steps download
// (tens of MB, read by the browser in 1-2 MB pieces that each cost the thread reading them a task of
// 8-20 ms), run in a Worker (the package's createWorkerFetch), so the page's main thread only
// receives the chunks. One worker for the page's lifetime, shared by every job page it shows.
import { WorkerFetchUnavailableError, createWorkerFetch } from '@jobdash/job-detail';

let pageFetch: typeof fetch | undefined;

/**
 * The page's worker-backed fetch; undefined during a server render (the client's default fetch then,
 * though nothing is fetched there). If the worker cannot start (a policy without `worker-src 'self'`,
 * a browser without module workers), the requests go through the page's own fetch instead, with a
 * console warning: the worker never performed them, so nothing is sent twice.
 */
export function stepsFetch(): typeof fetch | undefined {
  if (typeof window === 'undefined') return undefined;
  if (pageFetch !== undefined) return pageFetch;
  let workerFetch: typeof fetch | null = null;
  try {
    workerFetch = createWorkerFetch();
  } catch (error) {
    console.warn('Steps download on the main thread:', error);
  }
  let workerUnavailable = workerFetch === null;
  pageFetch = async (input, init) => {
    if (workerFetch !== null && !workerUnavailable) {
      try {
        return await workerFetch(input, init);
      } catch (error) {
        if (!(error instanceof WorkerFetchUnavailableError)) throw error;
        if (!workerUnavailable) console.warn('Steps download on the main thread:', error.message);
        workerUnavailable = true;
      }
    }
    return fetch(input, init);
  };
  return pageFetch;
}
