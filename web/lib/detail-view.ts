// What the detail page reads from `useJobDetail` (@jobdash/job-detail/react): the package's own
// types, so the components can never drift from what the hook returns.
import type { ShownRow, StepsInfo } from '@jobdash/job-detail';
import type { UseJobDetailResult } from '@jobdash/job-detail/react';

/** One list row: the step index's summary fields plus where the step came from. */
export type StepRow = ShownRow;

/** The merged list: where it came from, whether it is whole, and its exact totals. */
export type { StepsInfo };

export type DetailView = UseJobDetailResult;
