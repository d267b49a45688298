'use client';

import { useEffect, useState } from 'react';
import { LEGACY_OUTPUT_LIMIT, type OutputFacts, readStepOutput, sandboxedDocument } from '../lib/step-output';
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

/**
 * A step's output. HTML renders in a sandboxed iframe (no scripts, no same-origin access, a CSP
 * that allows no request), with its source one click away; other outputs show as text.
 */
export function StepOutputView({ step, facts, label }: { step: unknown; facts: OutputFacts; label: string }) {
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
      {showRendered ? (
        <iframe
          className={styles.frame}
          title={`Output of ${label}`}
          data-testid="step-output-frame"
          sandbox=""
          referrerPolicy="no-referrer"
          srcDoc={sandboxedDocument(output.text)}
        />
      ) : (
        <pre className={styles.source} data-testid="step-output-source">
          {output.text}
        </pre>
      )}
    </div>
  );
}
