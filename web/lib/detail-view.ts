// What the detail page reads from `useJobDetail` (@jobdash/job-detail/react): the package's own
// types, so the components can never drift from what the hook returns.
import type { JobInfo, ShownRow, StepsInfo } from '@jobdash/job-detail';
import type { UseJobDetailResult } from '@jobdash/job-detail/react';

/** One list row: the step's row fields plus where the step came from. */
export type { ShownRow };

/** The shown list: where it came from, whether it is whole, and its exact totals. */
export type { StepsInfo };

/** What the core read from the job: its status phase (terminal, running) and its S3 fields. */
export type { JobInfo };

export type DetailView = UseJobDetailResult;
