'use client';

import { type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import { frameOutput, openableUrl, OUTPUT_SANDBOX } from '../lib/output-document';
import { LEGACY_OUTPUT_LIMIT, type OutputFacts, readStepOutput } from '../lib/step-output';
import { formatCount } from '../lib/format';
import styles from './job-detail.module.css';

type Mode = 'rendered' | 'source';
type CopyState = 'idle' | 'copied' | 'failed';

async function copyText(text: string): Promise<void> {
  if (navigator.clipboard?.writeText) {
    await navigator.clipboard.writeText(text);
    return;
  }
  // Pages served over plain http from another host have no Clipboard API.
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  if (!ok) throw new Error('copy refused');
}

/** The longest link address the frame may hand to the page. */
const MAX_LINK_LENGTH = 8192;

/**
 * A link clicked in the output: its full address, and a new tab only if the user confirms.
 * Addresses other than http(s) (relative, javascript:, mailto:) are shown but not opened.
 */
function LinkConfirm({ address, onClose }: { address: string; onClose: () => void }) {
  const url = openableUrl(address);
  return (
    <div className={styles.linkConfirm} role="dialog" aria-label="Open link" data-testid="link-confirm">
      <p>
        {url ? 'This link leads to:' : 'This link is not a web address and cannot be opened from here:'}{' '}
        <code data-testid="link-confirm-url">{url ? url.href : address}</code>
      </p>
      {url && (
        <button
          type="button"
          className={styles.button}
          data-testid="link-open"
          onClick={() => {
            window.open(url.href, '_blank', 'noopener,noreferrer');
            onClose();
          }}
        >
          Open in new tab
        </button>
      )}
      <button type="button" className={styles.button} data-testid="link-cancel" onClick={onClose} autoFocus>
        Cancel
      </button>
    </div>
  );
}

/**
 * The rendered HTML: rewritten so that it makes no request (remote content blocked until the user
 * loads it for this output), in a sandboxed frame without same-origin access whose only script is
 * the dashboard's link handler.
 */
function RenderedOutput({ html, label }: { html: string; label: string }) {
  // Remote content is allowed for one output at a time: the text it was allowed for.
  const [remoteFor, setRemoteFor] = useState<string | null>(null);
  const [link, setLink] = useState<string | null>(null);
  const frameRef = useRef<HTMLIFrameElement>(null);
  const remote = remoteFor === html ? 'allowed' : 'blocked';
  const framed = useMemo(() => frameOutput(html, remote), [html, remote]);

  useEffect(() => setLink(null), [html]);
  useEffect(() => {
    function onMessage(event: MessageEvent) {
      if (event.source === null || event.source !== frameRef.current?.contentWindow) return;
      const address: unknown = (event.data as { jobdashLink?: unknown } | null)?.jobdashLink;
      if (typeof address === 'string' && address.length <= MAX_LINK_LENGTH) setLink(address);
    }
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, []);

  return (
    <>
      {framed.remoteItems > 0 &&
        (remote === 'blocked' ? (
          <p className={styles.remoteBar} data-testid="remote-blocked" data-remote-items={framed.remoteItems}>
            Remote content in this output is blocked ({formatCount(framed.remoteItems)} {framed.remoteItems === 1 ? 'item' : 'items'}).{' '}
            <button type="button" className={styles.button} data-testid="load-remote" onClick={() => setRemoteFor(html)}>
              Load remote content
            </button>
          </p>
        ) : (
          <p className={styles.remoteBar} data-testid="remote-allowed">
            Remote images, styles and fonts are loaded for this output (https only; no scripts).
          </p>
        ))}
      {link !== null && <LinkConfirm address={link} onClose={() => setLink(null)} />}
      <iframe
        key={remote}
        ref={frameRef}
        className={styles.frame}
        title={`Output of ${label}`}
        data-testid="step-output-frame"
        data-remote={remote}
        sandbox={OUTPUT_SANDBOX}
        referrerPolicy="no-referrer"
        srcDoc={framed.html}
      />
    </>
  );
}

/** Where the query text matches the output: UTF-16 offsets into `output`, and the match length. */
export interface OutputHighlight {
  offsets: readonly number[];
  length: number;
}

/**
 * The output as text, its matches marked (React text nodes: the output is never parsed as HTML),
 * with previous / next buttons that scroll the current match into the middle of the box.
 */
function SourceWithMatches({ text, highlight, label }: { text: string; highlight: OutputHighlight; label: string }) {
  const preRef = useRef<HTMLPreElement>(null);
  const [current, setCurrent] = useState(0);
  const { offsets, length } = highlight;
  useEffect(() => setCurrent(0), [offsets]);
  useEffect(() => {
    const pre = preRef.current;
    const mark = pre?.querySelector<HTMLElement>(`mark[data-match="${current}"]`);
    if (pre && mark) pre.scrollTop = Math.max(0, mark.offsetTop - pre.clientHeight / 2);
  }, [current, offsets]);

  const parts: ReactNode[] = [];
  let at = 0;
  offsets.forEach((offset, i) => {
    if (offset < at) return;
    parts.push(text.slice(at, offset));
    parts.push(
      <mark key={offset} data-match={i} className={i === current ? styles.currentMatch : undefined} aria-current={i === current ? 'true' : undefined}>
        {text.slice(offset, offset + length)}
      </mark>,
    );
    at = offset + length;
  });
  parts.push(text.slice(at));

  const n = offsets.length;
  return (
    <>
      <div className={styles.toolbar} data-testid="output-matches" data-count={n} data-current={current}>
        <span role="status">{n === 0 ? 'No match in the output' : `Match ${current + 1} of ${n} in the output`}</span>
        <button type="button" className={styles.button} data-testid="match-previous" disabled={n < 2} onClick={() => setCurrent((c) => (c - 1 + n) % n)}>
          Previous
        </button>
        <button type="button" className={styles.button} data-testid="match-next" disabled={n < 2} onClick={() => setCurrent((c) => (c + 1) % n)}>
          Next
        </button>
      </div>
      <pre ref={preRef} className={styles.source} data-testid="step-output-source" tabIndex={0} role="region" aria-label={`Source of ${label}`}>
        {parts}
      </pre>
    </>
  );
}

/**
 * A step's output. HTML renders in a sandboxed iframe, remote content blocked until asked for,
 * with its source (the original text) one click away; other outputs show as text.
 */
export function StepOutputView({
  step,
  facts,
  label,
  highlight = null,
}: {
  step: unknown;
  facts: OutputFacts;
  label: string;
  /** The query's matches in `output` (the Source view marks them); null without a query text. */
  highlight?: OutputHighlight | null;
}) {
  const output = readStepOutput(step, facts);
  const [mode, setMode] = useState<Mode>('rendered');
  const [copy, setCopy] = useState<CopyState>('idle');

  useEffect(() => {
    if (copy === 'idle') return;
    const timer = setTimeout(() => setCopy('idle'), 2000);
    return () => clearTimeout(timer);
  }, [copy]);

  if (output === null) return <p className={styles.empty}>This step has no output.</p>;

  const showRendered = output.isHtml && mode === 'rendered';
  return (
    <div data-testid="step-output">
      {output.truncated && (
        <p className={styles.truncated} data-testid="truncated-marker" role="note">
          Truncated: this output was cut at {formatCount(LEGACY_OUTPUT_LIMIT)} characters when it was saved (written before
          full outputs were kept). The page below is incomplete.
        </p>
      )}
      <div className={styles.toolbar}>
        {output.isHtml && (
          <>
            <button type="button" className={styles.button} aria-pressed={mode === 'rendered'} onClick={() => setMode('rendered')}>
              Rendered
            </button>
            <button type="button" className={styles.button} aria-pressed={mode === 'source'} onClick={() => setMode('source')}>
              Source
            </button>
          </>
        )}
        <button
          type="button"
          className={styles.button}
          data-testid="copy-output"
          onClick={() => copyText(output.text).then(() => setCopy('copied'), () => setCopy('failed'))}
        >
          {copy === 'copied' ? 'Copied' : copy === 'failed' ? 'Copy failed' : output.isHtml ? 'Copy HTML' : 'Copy'}
        </button>
        <span className={styles.sub}>{formatCount(output.characters)} characters</span>
      </div>
      {showRendered && highlight !== null && highlight.offsets.length > 0 && output.isOutputString && (
        <p className={styles.remoteBar} data-testid="matches-in-source">
          {formatCount(highlight.offsets.length)} {highlight.offsets.length === 1 ? 'match' : 'matches'} in this output.{' '}
          <button type="button" className={styles.button} onClick={() => setMode('source')}>
            Show in Source
          </button>
        </p>
      )}
      {showRendered ? (
        <RenderedOutput html={output.text} label={label} />
      ) : highlight !== null && output.isOutputString ? (
        <SourceWithMatches text={output.text} highlight={highlight} label={label} />
      ) : (
        // Focusable and named: a scrolling box keyboard users can scroll.
        <pre className={styles.source} data-testid="step-output-source" tabIndex={0} role="region" aria-label={`Source of ${label}`}>
          {output.text}
        </pre>
      )}
    </div>
  );
}
