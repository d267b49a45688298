'use client';

import { type ReactNode, type RefObject, useEffect, useRef, useState } from 'react';
import type { ExplorerView, FacetCount, StepQuery } from '@jobdash/job-detail';
import { toggled } from '../lib/explorer-url';
import { formatCount } from '../lib/format';
import styles from './job-detail.module.css';

/** How long typing may pause before the query follows it. */
const TYPING_DEBOUNCE_MS = 200;

type FacetName = 'status' | 'model' | 'origin' | 'costKind';

const FACETS: readonly { name: FacetName; label: string }[] = [
  { name: 'status', label: 'Status' },
  { name: 'model', label: 'Model' },
  { name: 'origin', label: 'Origin' },
  { name: 'costKind', label: 'Cost' },
];

const VALUE_WORDS: Partial<Record<FacetName, Record<string, string>>> = {
  origin: { s3: 'S3', dynamodb: 'DynamoDB' },
  costKind: { valid: 'has a cost', none: 'no cost', invalid: 'unreadable cost' },
};

function facetWords(name: FacetName, value: string): string {
  if (value === '') return name === 'model' ? 'no model' : 'none';
  return VALUE_WORDS[name]?.[value] ?? value;
}

/** "37 of 5,000 steps match", "… so far" while the search has not covered every row yet. */
export function matchSentence(explorer: ExplorerView): string {
  const total = `${formatCount(explorer.total)} step${explorer.total === 1 ? '' : 's'}`;
  return `${formatCount(explorer.matched)} of ${total} match${explorer.searching ? ' so far' : ''}`;
}

/**
 * The search box: its own text while the user types, the query's once typing pauses (debounced),
 * and the query's again when the address changes it (Back, a link).
 */
function SearchBox({
  text,
  onText,
  onSubmit,
  inputRef,
}: {
  text: string;
  onText: (text: string) => void;
  onSubmit: () => void;
  inputRef: RefObject<HTMLInputElement | null>;
}) {
  const [draft, setDraft] = useState(text);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    if (timer.current === null) setDraft(text);
  }, [text]);
  useEffect(() => () => {
    if (timer.current !== null) clearTimeout(timer.current);
  }, []);

  return (
    <input
      ref={inputRef}
      type="search"
      className={styles.search}
      data-testid="explorer-search"
      aria-label="Search steps"
      aria-describedby="explorer-count"
      aria-keyshortcuts="/"
      placeholder="Search names, models, inputs and outputs  ( / )"
      value={draft}
      onChange={(event) => {
        const value = event.currentTarget.value;
        setDraft(value);
        if (timer.current !== null) clearTimeout(timer.current);
        timer.current = setTimeout(() => {
          timer.current = null;
          onText(value);
        }, TYPING_DEBOUNCE_MS);
      }}
      onKeyDown={(event) => {
        // Enter (or Down) applies at once and goes to the first row; Esc in a non-empty box clears it.
        if (event.key === 'Enter' || event.key === 'ArrowDown') {
          event.preventDefault();
          if (timer.current !== null) clearTimeout(timer.current);
          timer.current = null;
          onText(event.currentTarget.value);
          onSubmit();
        } else if (event.key === 'Escape' && event.currentTarget.value !== '') {
          event.preventDefault();
          if (timer.current !== null) clearTimeout(timer.current);
          timer.current = null;
          setDraft('');
          onText('');
        }
      }}
    />
  );
}

function FacetChips({
  name,
  label,
  counts,
  chosen,
  onToggle,
}: {
  name: FacetName;
  label: string;
  counts: readonly FacetCount[];
  chosen: readonly string[];
  onToggle: (value: string) => void;
}) {
  // A chosen value stays visible even when nothing matches it any more, so it can be turned off.
  const shown = [...counts, ...chosen.filter((value) => !counts.some((c) => c.value === value)).map((value) => ({ value, count: 0 }))];
  if (shown.length === 0) return null;
  return (
    <div role="group" aria-label={label} className={styles.facet} data-testid={`facet-${name}`}>
      <span className={styles.facetLabel} aria-hidden="true">
        {label}
      </span>
      {shown.map(({ value, count }) => (
        <button
          key={value}
          type="button"
          className={styles.chip}
          aria-pressed={chosen.includes(value)}
          data-value={value}
          data-count={count}
          onClick={() => onToggle(value)}
        >
          {facetWords(name, value)} <span className={styles.chipCount}>{formatCount(count)}</span>
        </button>
      ))}
    </div>
  );
}

/** Search box, match count, facet chips and the document's download: the explorer's controls. */
export function ExplorerToolbar({
  query,
  explorer,
  total,
  onQuery,
  onSubmit,
  searchRef,
  download,
}: {
  query: StepQuery;
  explorer: ExplorerView | null;
  /** Rows in the shown list (the count before any query). */
  total: number;
  /** Changes the query from the one the address holds now (a debounced change may land after others). */
  onQuery: (change: (current: StepQuery) => StepQuery) => void;
  /** Enter in the search box: the user is done typing. */
  onSubmit: () => void;
  searchRef: RefObject<HTMLInputElement | null>;
  download: ReactNode;
}) {
  return (
    <div className={styles.explorer} data-testid="explorer">
      <div className={styles.toolbar}>
        <SearchBox text={query.text} onText={(text) => onQuery((current) => ({ ...current, text }))} onSubmit={onSubmit} inputRef={searchRef} />
        <p id="explorer-count" className={styles.count} aria-live="polite" data-testid="explorer-count"
          data-matched={explorer?.matched ?? total} data-searching={explorer?.searching ?? false}>
          {explorer ? matchSentence(explorer) : `${formatCount(total)} step${total === 1 ? '' : 's'}`}
        </p>
        {download}
      </div>
      {explorer && (
        <div className={styles.facets}>
          {FACETS.map(({ name, label }) => (
            <FacetChips
              key={name}
              name={name}
              label={label}
              counts={explorer.facets[name]}
              chosen={query[name]}
              onToggle={(value) => onQuery((current) => ({ ...current, [name]: toggled<string>(current[name], value) }))}
            />
          ))}
        </div>
      )}
    </div>
  );
}
