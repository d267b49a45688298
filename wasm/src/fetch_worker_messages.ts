// The messages between `createWorkerFetch` (the page) and its worker (fetch_worker.ts). Only
// structured-cloneable values cross: the request as plain fields, the response head as plain
// fields, each body chunk as an ArrayBuffer that is transferred (never copied).

/** The RequestInit fields a worker's fetch takes, already normalised by the page's `new Request`. */
export interface WorkerRequestInit {
  method: string;
  headers: [string, string][];
  body: ArrayBuffer | null;
  cache: RequestCache;
  credentials: RequestCredentials;
  integrity: string;
  keepalive: boolean;
  mode: RequestMode;
  redirect: RequestRedirect;
  /** The page's URL where the page's fetch would send its own (the worker's is its script's URL). */
  referrer: string;
  referrerPolicy: ReferrerPolicy;
}

/** A failure as the page rethrows it: `TypeError` for the network, a DOMException name otherwise. */
export interface WorkerFetchFailure {
  name: string;
  message: string;
}

export type PageToWorker =
  | { type: 'fetch'; id: number; url: string; init: WorkerRequestInit }
  /** The page aborted the request or cancelled its body: the worker stops it and says nothing more. */
  | { type: 'abort'; id: number }
  /** The page's stream holds enough unread bytes: stop reading until 'resume'. */
  | { type: 'pause'; id: number }
  | { type: 'resume'; id: number };

export type WorkerToPage =
  /** The worker's module ran: its script loaded under the page's policy. */
  | { type: 'ready' }
  | {
      type: 'head';
      id: number;
      status: number;
      statusText: string;
      headers: [string, string][];
      url: string;
      redirected: boolean;
      responseType: ResponseType;
      /** False for a null body (204, 304, HEAD...): nothing more comes for this id. */
      hasBody: boolean;
    }
  | { type: 'chunk'; id: number; chunk: ArrayBuffer }
  | { type: 'end'; id: number }
  /** The fetch rejected, or the body's read failed after the head. Nothing more comes for this id. */
  | { type: 'failed'; id: number; error: WorkerFetchFailure };
