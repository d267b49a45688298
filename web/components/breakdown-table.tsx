'use client';

import type { BreakdownRow } from '@jobdash/job-detail';
import { formatCount } from '../lib/format';
import styles from './job-detail.module.css';

const percent = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });

/** One breakdown (per model or per status) of the matching steps: a real table, the share drawn as an inline bar. */
function BreakdownTable({ caption, what, rows, testId }: { caption: string; what: string; rows: readonly BreakdownRow[]; testId: string }) {
  return (
    // Scrolls sideways on its own on a narrow screen (focusable, so keyboards can scroll it too).
    <div className={styles.tableScroll} role="region" aria-label={caption} tabIndex={0}>
      <table className={styles.breakdown} data-testid={testId}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{what}</th>
            <th scope="col" className={styles.right}>
              Steps
            </th>
            <th scope="col" className={styles.right}>
              Input tokens
            </th>
            <th scope="col" className={styles.right}>
              Output tokens
            </th>
            <th scope="col" className={styles.right}>
              Cost
            </th>
            <th scope="col">Share of cost</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.value} data-value={row.value} data-cost-usd={row.costUsd} data-steps={row.steps}>
              <th scope="row">{row.value === '' ? <em>none</em> : row.value}</th>
              <td className={styles.right}>{formatCount(row.steps)}</td>
              <td className={styles.right}>{formatCount(row.inputTokens)}</td>
              <td className={styles.right}>{formatCount(row.outputTokens)}</td>
              <td className={styles.right}>{row.costDisplay}</td>
              <td>
                <span className={styles.share}>
                  <span className={styles.shareTrack} aria-hidden="true">
                    <span className={styles.shareBar} style={{ width: `${Math.min(100, Math.max(0, row.share * 100))}%` }} />
                  </span>
                  <span className={styles.shareText}>{percent.format(row.share)}</span>
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The matching steps per model and per status: steps, tokens, exact cost and its share. */
export function Breakdown({ byModel, byStatus }: { byModel: readonly BreakdownRow[]; byStatus: readonly BreakdownRow[] }) {
  return (
    <div className={styles.breakdowns} data-testid="breakdown">
      <BreakdownTable caption="Cost by model" what="Model" rows={byModel} testId="breakdown-model" />
      <BreakdownTable caption="Cost by status" what="Status" rows={byStatus} testId="breakdown-status" />
    </div>
  );
}
