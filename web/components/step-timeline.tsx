'use client';

import { useEffect, useMemo, useRef, useState } from 'react';
import type { StepTimeline as TimelineData } from '@jobdash/job-detail';
import type { ShownRow } from '../lib/detail-view';
import { formatCount, formatDuration, statusTone } from '../lib/format';
import styles from './job-detail.module.css';

const HEIGHT = 180;
/** The hover box's width: it flips to the pointer's left near the right edge, so it never widens the page. */
const TOOLTIP_WIDTH = 240;
const TONE_COLOURS = { ok: '#15803d', bad: '#b91c1c', busy: '#1d4ed8', idle: '#6b7280' } as const;

interface Bar {
  row: number;
  start: number;
  end: number;
}

/** The rows shown with a known start, in the list's order (an unknown end draws as a point), and their time range. */
function bars(rows: readonly number[], timeline: TimelineData): { bars: Bar[]; from: number; span: number } {
  const out: Bar[] = [];
  let from = Infinity;
  let to = -Infinity;
  for (const row of rows) {
    const start = timeline.startMs[row];
    if (start === undefined || Number.isNaN(start)) continue;
    const end = timeline.endMs[row];
    const last = end === undefined || Number.isNaN(end) || end < start ? start : end;
    out.push({ row, start, end: last });
    if (start < from) from = start;
    if (last > to) to = last;
  }
  return out.length === 0 ? { bars: out, from: 0, span: 0 } : { bars: out, from, span: Math.max(1, to - from) };
}

/** Band height: the canvas shared by the rows, at most a readable bar each. */
function bandHeight(n: number): number {
  return Math.min(14, HEIGHT / n);
}

/**
 * A waterfall of the matching steps (the query's rows, in its order): one band per step from its
 * start to its end, drawn on a canvas once per change of the rows or the width. Hovering shows the
 * step under the pointer (found by its band, then by the time under the pointer); a click opens it.
 */
export function StepTimeline({
  rows,
  timeline,
  summary,
  onOpen,
}: {
  rows: readonly number[];
  timeline: TimelineData;
  summary: (i: number) => ShownRow;
  onOpen: (row: number) => void;
}) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);
  const [hover, setHover] = useState<{ bar: Bar; x: number; y: number } | null>(null);
  const data = useMemo(() => bars(rows, timeline), [rows, timeline]);
  const summaryRef = useRef(summary);
  summaryRef.current = summary;
  // Each row's colour, read once per list (the timeline changes with it), not once per redraw:
  // the rows change with every slice of a running search.
  const colours = useMemo(() => {
    const out: string[] = [];
    for (let i = 0; i < timeline.startMs.length; i++) out.push(TONE_COLOURS[statusTone(summaryRef.current(i).statusPhase)]);
    return out;
  }, [timeline]);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const observer = new ResizeObserver(([entry]) => setWidth(Math.floor(entry.contentRect.width)));
    observer.observe(canvas);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || width === 0) return;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(HEIGHT * ratio);
    const context = canvas.getContext('2d');
    if (!context) return;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, width, HEIGHT);
    const n = data.bars.length;
    if (n === 0) return;
    const band = bandHeight(n);
    const scale = width / data.span;
    for (let i = 0; i < n; i++) {
      const bar = data.bars[i];
      context.fillStyle = colours[bar.row] ?? TONE_COLOURS.idle;
      context.fillRect((bar.start - data.from) * scale, i * band, Math.max(1, (bar.end - bar.start) * scale), Math.max(1, band - (band > 3 ? 1 : 0)));
    }
  }, [data, width, colours]);

  function barAt(x: number, y: number): Bar | null {
    const n = data.bars.length;
    if (n === 0 || width === 0) return null;
    const band = bandHeight(n);
    if (y >= n * band) return null;
    const time = data.from + (x / width) * data.span;
    // Several steps share a pixel row when there are more steps than pixels: the one running at the pointer's time.
    const first = Math.min(n - 1, Math.max(0, Math.floor(y / band)));
    const last = Math.min(n - 1, Math.max(first, Math.floor((y + 1) / band)));
    for (let i = first; i <= last; i++) {
      const bar = data.bars[i];
      if (bar.start <= time && time <= bar.end) return bar;
    }
    return data.bars[first];
  }

  const describedBy = 'timeline-text';
  const longest = data.bars.reduce<Bar | null>((best, bar) => (best === null || bar.end - bar.start > best.end - best.start ? bar : best), null);
  const hovered = hover ? summaryRef.current(hover.bar.row) : null;

  return (
    <figure className={styles.timeline} data-testid="timeline" data-bars={data.bars.length}>
      <figcaption className={styles.timelineCaption}>Timeline</figcaption>
      <div className={styles.timelineBox}>
        <canvas
          ref={canvasRef}
          className={styles.timelineCanvas}
          style={{ height: HEIGHT }}
          role="img"
          aria-label={`Timeline of ${formatCount(data.bars.length)} steps`}
          aria-describedby={describedBy}
          data-testid="timeline-canvas"
          onMouseMove={(event) => {
            const box = event.currentTarget.getBoundingClientRect();
            const x = event.clientX - box.left;
            const y = event.clientY - box.top;
            const bar = barAt(x, y);
            setHover(bar ? { bar, x, y } : null);
          }}
          onMouseLeave={() => setHover(null)}
          onClick={(event) => {
            const box = event.currentTarget.getBoundingClientRect();
            const bar = barAt(event.clientX - box.left, event.clientY - box.top);
            if (bar) onOpen(bar.row);
          }}
        />
        {hover && hovered && (
          <div className={styles.tooltip} data-testid="timeline-tooltip" data-row={hover.bar.row} style={{ left: Math.max(0, hover.x > width - TOOLTIP_WIDTH - 12 ? hover.x - TOOLTIP_WIDTH - 12 : hover.x + 12), top: hover.y + 12, width: TOOLTIP_WIDTH }}>
            <strong>{hovered.name ?? `step ${hovered.stepNumber ?? hover.bar.row + 1}`}</strong>
            <span>{formatDuration(hover.bar.end - hover.bar.start)}</span>
            <span>{hovered.cost.display}</span>
          </div>
        )}
      </div>
      <p id={describedBy} className={styles.keys}>
        {data.bars.length === 0
          ? 'No step shown has a start time.'
          : `${formatCount(data.bars.length)} step${data.bars.length === 1 ? '' : 's'} over ${formatDuration(data.span)}, in the list's order from top to bottom.` +
            (longest ? ` The longest is step ${summaryRef.current(longest.row).stepNumber ?? longest.row + 1} (${formatDuration(longest.end - longest.start)}).` : '') +
            ' Each step is also a row of the list below.'}
      </p>
    </figure>
  );
}
