'use client';

import { useEffect, useRef, useState } from 'react';
import { withStepParam } from '../lib/step-link';
import styles from './job-detail.module.css';

type LinkState = 'idle' | 'copied' | 'manual';

/**
 * "Copy link to step": the page's address with `?step=` naming this step (and whatever else the
 * address holds), to the clipboard with a visible confirmation. Where the Clipboard API is missing
 * or refuses, the link is shown selected in a read-only field to copy by hand.
 */
export function StepLinkActions({ value }: { value: string }) {
  const [state, setState] = useState<LinkState>('idle');
  const [link, setLink] = useState('');
  const fieldRef = useRef<HTMLInputElement>(null);

  useEffect(() => setState('idle'), [value]);
  useEffect(() => {
    if (state !== 'copied') return;
    const timer = setTimeout(() => setState('idle'), 3000);
    return () => clearTimeout(timer);
  }, [state]);
  useEffect(() => {
    if (state === 'manual') fieldRef.current?.select();
  }, [state]);

  async function copy() {
    const href = withStepParam(window.location.href, value);
    setLink(href);
    try {
      if (!navigator.clipboard?.writeText) throw new Error('no Clipboard API');
      await navigator.clipboard.writeText(href);
      setState('copied');
    } catch {
      setState('manual');
    }
  }

  return (
    <div className={styles.toolbar} data-testid="step-actions">
      <button type="button" className={styles.button} data-testid="copy-step-link" onClick={() => void copy()}>
        Copy link to step
      </button>
      <span role="status" className={styles.confirm} data-testid="copy-step-link-status">
        {state === 'copied' ? 'Link copied' : ''}
      </span>
      {state === 'manual' && (
        <label className={styles.manualLink}>
          Copy this link:{' '}
          <input ref={fieldRef} readOnly value={link} data-testid="step-link-field" onFocus={(event) => event.currentTarget.select()} />
        </label>
      )}
    </div>
  );
}
