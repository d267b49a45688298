'use client';

import { useEffect, useMemo, useRef, useState } from 'react';
import type { DetailView } from '../lib/detail-view';
import { useExplorerQuery } from '../lib/use-explorer-query';
import { Breakdown } from './breakdown-table';
import { ExplorerToolbar } from './explorer-toolbar';
import { StepList, type StepListControl } from './step-list';
import { StepTimeline } from './step-timeline';
import styles from './job-detail.module.css';

/**
 * "Download": the complete steps document exactly as the index holds it (no second download), as
 * `<job_id>-execution-steps.json`. Only a list shown from a complete S3 document has one.
 */
function DownloadSteps({ jobId, view }: { jobId: string; view: DetailView }) {
  const [missing, setMissing] = useState(false);
  const available = view.steps?.complete === true && view.steps.source === 's3';
  if (!available) return null;
  return (
    <>
      <button
        type="button"
        className={styles.button}
        data-testid="download-steps"
        onClick={() => {
          const bytes = view.stepsDocument();
          if (bytes === null) {
            setMissing(true);
            return;
          }
          const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/json' }));
          const link = document.createElement('a');
          link.href = url;
          link.download = `${jobId}-execution-steps.json`;
          link.click();
          // The download has started once the click is handled; the URL goes with the next task.
          setTimeout(() => URL.revokeObjectURL(url), 0);
        }}
      >
        Download steps (JSON)
      </button>
      {missing && (
        <span role="status" className={styles.sub}>
          The complete document is not held any more.
        </span>
      )}
    </>
  );
}

/**
 * The step list with the explorer around it: search, facets, sort (the query lives in the
 * address), the matches' breakdown and timeline, the document's download. `/` focuses the search.
 */
export function StepExplorer({ jobId, view, streaming, settled }: { jobId: string; view: DetailView; streaming: boolean; settled: boolean }) {
  const { query, update } = useExplorerQuery(view);
  const explorer = view.explorer;
  const count = view.steps?.count ?? 0;
  const searchRef = useRef<HTMLInputElement>(null);
  const listControl = useRef<StepListControl | null>(null);
  const viewRef = useRef(view);
  viewRef.current = view;
  // Once the list stops growing, then once per change of it: while S3 streams in, the list changes
  // with every chunk, and reading every row's times (and colours) each time would load the page.
  const timeline = useMemo(() => (view.steps === null || streaming ? null : viewRef.current.timeline()), [view.steps, streaming]);

  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.key !== '/' || event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest?.('input, textarea, select, [contenteditable=""], [contenteditable="true"]')) return;
      event.preventDefault();
      searchRef.current?.focus();
      searchRef.current?.select();
    }
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);

  return (
    <>
      {count > 0 && (
        <ExplorerToolbar
          query={query}
          explorer={explorer}
          total={count}
          onQuery={update}
          onSubmit={() => listControl.current?.focusFirst()}
          searchRef={searchRef}
          download={<DownloadSteps jobId={jobId} view={view} />}
        />
      )}
      {explorer && timeline && explorer.rows.length > 0 && (
        <details className={styles.insights} open data-testid="insights">
          <summary>Timeline and cost breakdown of the {explorer.rows.length === count ? '' : 'matching '}steps</summary>
          <StepTimeline rows={explorer.rows} timeline={timeline} summary={view.summary} onOpen={(row) => listControl.current?.open(row)} />
          <Breakdown byModel={explorer.breakdown.byModel} byStatus={explorer.breakdown.byStatus} />
        </details>
      )}
      <StepList
        view={view}
        count={count}
        streaming={streaming}
        settled={settled}
        rows={explorer?.rows ?? null}
        text={explorer?.query.text ?? ''}
        sorting={{ sort: query.sort, direction: query.direction, onSort: (sort, direction) => update((current) => ({ ...current, sort, direction })) }}
        controlRef={listControl}
      />
    </>
  );
}
