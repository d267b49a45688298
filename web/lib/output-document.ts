// The document a step's HTML output is framed as, the way a careful mail client shows HTML mail:
// the output is parsed into an inert document (DOMParser: nothing loads, nothing runs), rewritten
// so that nothing in it can make a request (no nested frames, objects, <base>, meta refresh,
// preconnect or prefetch links, remote images; links lose their address and ask the page instead),
// serialized, and framed with a Content-Security-Policy that refuses what the rewrite missed.
// Remote content (https images, stylesheets, fonts) is allowed only when the user asks, per output.
// The original text is never changed: the source view and Copy use it as it came.

/** Remote content of an output: refused (the default) or allowed for that output after a click. */
export type RemoteContent = 'blocked' | 'allowed';

/**
 * The one script a framed output runs: the dashboard's link handler. A click (or Enter) on a link
 * never navigates the frame; the frame asks the page, which shows the full address and opens it in
 * a new tab only when the user confirms. Links to `#fragment` scroll within the output. The CSPs
 * (the frame's own, and the dashboard's that the frame inherits) allow this script by its hash
 * only, so no script of the output can run even if one survived the rewrite.
 */
export const LINK_SCRIPT =
  "(function(){function link(e){var n=e.target;while(n&&n.nodeType!==1)n=n.parentNode;return n&&n.closest?n.closest('[data-jobdash-href]'):null}" +
  "function follow(e){var a=link(e);if(!a)return;e.preventDefault();var h=a.getAttribute('data-jobdash-href')||'';" +
  "if(h.charAt(0)==='#'){var t=null;try{t=document.getElementById(decodeURIComponent(h.slice(1)))}catch(x){}if(t)t.scrollIntoView();return}" +
  "parent.postMessage({jobdashLink:h},'*')}" +
  "document.addEventListener('click',follow,true);document.addEventListener('keydown',function(e){if(e.key==='Enter')follow(e)},true)})();";

/** `'sha256-…'` of LINK_SCRIPT (the browser tests recompute it from the framed document). */
export const LINK_SCRIPT_HASH = "'sha256-7A/QbAUY06Opun3gvlJKHyOjs9lvIzh6rSlSLOD/638='";

/** What the frame may load: nothing remote by default; https images, styles and fonts once allowed. */
export function outputPolicy(remote: RemoteContent): string {
  const allowed = remote === 'allowed';
  return [
    "default-src 'none'",
    `script-src ${LINK_SCRIPT_HASH}`,
    `img-src data:${allowed ? ' https:' : ''}`,
    `style-src 'unsafe-inline'${allowed ? ' https:' : ''}`,
    `font-src data:${allowed ? ' https:' : ''}`,
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** The frame's sandbox: the link handler may run; no same-origin access, forms, popups or top navigation. */
export const OUTPUT_SANDBOX = 'allow-scripts';

export interface FramedOutput {
  /** The document for `<iframe srcdoc>`. */
  html: string;
  /** Remote images, stylesheets, fonts and CSS references held back (while blocked) or left in (allowed). */
  remoteItems: number;
}

// Elements removed with their content: they run code, embed other documents, change where URLs
// point, refresh or navigate, play media, or parse differently once scripting is on.
const DROPPED = new Set([
  'script',
  'noscript',
  'template',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'param',
  'base',
  'meta',
  'portal',
  'fencedframe',
  'noembed',
  'noframes',
  'audio',
  'video',
  'track',
  'animate',
  'animatemotion',
  'animatetransform',
  'animatecolor',
  'set',
  'discard',
]);

// Attributes that hold a URL something may fetch or navigate to (removed unless a rule below keeps
// it: links, images while allowed, fragment references), or that reach outside the output
// (target, autofocus) or vouch for a resource (nonce, integrity).
const REMOVED_ATTRIBUTES = new Set([
  'href',
  'src',
  'srcset',
  'imagesrcset',
  'poster',
  'background',
  'lowsrc',
  'dynsrc',
  'action',
  'formaction',
  'data',
  'codebase',
  'classid',
  'archive',
  'cite',
  'longdesc',
  'ping',
  'manifest',
  'profile',
  'icon',
  'attributionsrc',
  'srcdoc',
  'target',
  'formtarget',
  'autofocus',
  'nonce',
  'integrity',
]);

const IMAGE_SOURCES: Record<string, string[]> = {
  img: ['src', 'srcset'],
  source: ['srcset'],
  input: ['src'],
  image: ['href'],
  feimage: ['href'],
  body: ['background'],
  table: ['background'],
  td: ['background'],
  th: ['background'],
  tr: ['background'],
};

const REMOTE_URL = /^\s*(https?:)?\/\//i;
const HTTPS_URL = /^\s*https:\/\/[^\s]/i;
const DATA_IMAGE = /^\s*data:image\//i;
const CSS_REMOTE = /(url\(\s*['"]?\s*(https?:)?\/\/|@import\s+['"]\s*(https?:)?\/\/)/gi;

function countCssRemote(css: string): number {
  return css.match(CSS_REMOTE)?.length ?? 0;
}

/** Every candidate of a srcset is https (or a data: image). */
function srcsetAllowed(value: string): boolean {
  const candidates = value.split(/,\s+/).map((candidate) => candidate.trim().split(/\s+/)[0] ?? '');
  return candidates.length > 0 && candidates.every((url) => HTTPS_URL.test(url) || DATA_IMAGE.test(url));
}

interface Rewrite {
  remote: RemoteContent;
  remoteItems: number;
}

function rewriteImageSource(element: Element, name: string, value: string, state: Rewrite): void {
  const isRemote = name === 'srcset' ? value.split(',').some((part) => REMOTE_URL.test(part)) : REMOTE_URL.test(value);
  if (isRemote) state.remoteItems += 1;
  const keep =
    name === 'srcset'
      ? (state.remote === 'allowed' && srcsetAllowed(value)) || (!isRemote && srcsetAllowed(value))
      : DATA_IMAGE.test(value) || (state.remote === 'allowed' && HTTPS_URL.test(value));
  if (!keep) element.removeAttribute(name);
}

function rewriteElement(element: Element, state: Rewrite): void {
  const tag = element.localName.toLowerCase();
  const isLink = (tag === 'a' || tag === 'area') && (element.hasAttribute('href') || element.hasAttributeNS('http://www.w3.org/1999/xlink', 'href'));
  for (const attribute of Array.from(element.attributes)) {
    const name = attribute.localName.toLowerCase();
    const value = attribute.value;
    if (name.startsWith('on')) {
      element.removeAttributeNode(attribute);
    } else if (name === 'style') {
      state.remoteItems += countCssRemote(value);
    } else if (name === 'href' && isLink) {
      element.removeAttributeNode(attribute);
      element.setAttribute('data-jobdash-href', value.trim());
      element.setAttribute('role', 'link');
      element.setAttribute('tabindex', '0');
    } else if (IMAGE_SOURCES[tag]?.includes(name) && (tag !== 'input' || element.getAttribute('type')?.toLowerCase() === 'image')) {
      rewriteImageSource(element, attribute.name, value, state);
    } else if (name === 'href' && value.trim().startsWith('#')) {
      // SVG references within the output (<use href="#shape">, gradients, text paths).
    } else if (REMOVED_ATTRIBUTES.has(name)) {
      element.removeAttributeNode(attribute);
    }
  }
  if (tag === 'style') state.remoteItems += countCssRemote(element.textContent ?? '');
}

function isStylesheetAllowed(element: Element, state: Rewrite): boolean {
  const rel = (element.getAttribute('rel') ?? '').toLowerCase().trim().split(/\s+/);
  const href = element.getAttribute('href') ?? '';
  if (rel.length === 1 && rel[0] === 'stylesheet' && REMOTE_URL.test(href)) state.remoteItems += 1;
  return state.remote === 'allowed' && rel.length === 1 && rel[0] === 'stylesheet' && HTTPS_URL.test(href);
}

/** Rewrites the parsed document in place; returns the number of remote items seen. */
function rewrite(document: Document, remote: RemoteContent): number {
  const state: Rewrite = { remote, remoteItems: 0 };
  for (const element of Array.from(document.querySelectorAll('*'))) {
    if (!element.isConnected) continue;
    const tag = element.localName.toLowerCase();
    if (DROPPED.has(tag) || (tag === 'link' && !isStylesheetAllowed(element, state))) {
      element.remove();
      continue;
    }
    if (tag === 'link') {
      for (const attribute of Array.from(element.attributes)) {
        if (!['rel', 'href', 'media', 'type'].includes(attribute.localName.toLowerCase())) element.removeAttributeNode(attribute);
      }
      continue;
    }
    rewriteElement(element, state);
  }
  return state.remoteItems;
}

function serialize(document: Document): string {
  return `<!DOCTYPE html>${document.documentElement.outerHTML}`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const FRAME_STYLE =
  '[data-jobdash-href]{cursor:pointer;color:#0645ad;text-decoration:underline}[data-jobdash-href]:focus{outline:2px solid #0645ad}';

/**
 * The framed document of an HTML output. The rewrite runs until serializing and parsing again
 * changes nothing (markup that parses differently the second time is rewritten again); markup
 * that never settles is shown as text.
 */
export function frameOutput(source: string, remote: RemoteContent): FramedOutput {
  const parser = new DOMParser();
  let html = source;
  let remoteItems = 0;
  let document: Document | null = null;
  for (let round = 0; round < 4; round += 1) {
    const parsed = parser.parseFromString(html, 'text/html');
    const seen = rewrite(parsed, remote);
    if (round === 0) remoteItems = seen;
    const next = serialize(parsed);
    if (next === html) {
      document = parsed;
      break;
    }
    html = next;
  }
  if (document === null) {
    document = parser.parseFromString(`<pre>${escapeHtml(source)}</pre>`, 'text/html');
  }
  const head = document.head;
  const meta = document.createElement('meta');
  meta.setAttribute('http-equiv', 'Content-Security-Policy');
  meta.setAttribute('content', outputPolicy(remote));
  const referrer = document.createElement('meta');
  referrer.setAttribute('name', 'referrer');
  referrer.setAttribute('content', 'no-referrer');
  const style = document.createElement('style');
  style.textContent = FRAME_STYLE;
  head.prepend(meta, referrer, style);
  const script = document.createElement('script');
  script.textContent = LINK_SCRIPT;
  document.body.append(script);
  return { html: serialize(document), remoteItems };
}

/** An address from the output that the page may open in a new tab (http and https only). */
export function openableUrl(address: string): URL | null {
  try {
    const url = new URL(address);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : null;
  } catch {
    return null;
  }
}
