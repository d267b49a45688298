// The Host rule every local server applies, the dashboard's included (web/proxy.ts): the Host
// header must name this machine (localhost, 127.0.0.1, [::1]), the host a server listens on, or a
// host the configuration lists. A hostile name that resolves to 127.0.0.1 (DNS rebinding) is
// refused, so a page the user opens elsewhere cannot read or steer the stack through it.

/** Host names every local server answers to. */
export const LOOPBACK_HOST_NAMES = Object.freeze(['localhost', '127.0.0.1', '[::1]']);

/**
 * The host names a server accepts in `Host`: the loopback names, the host it listens on (unless a
 * wildcard address) and the configured extra names. Lower case, IPv6 literals in brackets.
 * @param {string} listenHost
 * @param {readonly string[]} [extra]
 */
export function allowedHostNames(listenHost, extra = []) {
  const names = new Set(LOOPBACK_HOST_NAMES);
  for (const name of [listenHost, ...extra]) {
    const normal = normalHostName(name);
    if (normal !== null && normal !== '0.0.0.0' && normal !== '[::]') names.add(normal);
  }
  return names;
}

/** @param {string} name */
function normalHostName(name) {
  const trimmed = name.trim().toLowerCase().replace(/\.$/, '');
  if (trimmed === '') return null;
  if (trimmed.includes(':') && !trimmed.startsWith('[')) return `[${trimmed}]`;
  return trimmed;
}

/**
 * Whether a Host header names one of `names` (any port). A missing or malformed header is refused.
 * @param {string | undefined} header
 * @param {ReadonlySet<string>} names  from allowedHostNames
 */
export function hostAllowed(header, names) {
  if (typeof header !== 'string') return false;
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(header);
  if (!match) return false;
  if (match[2] !== undefined && Number(match[2]) > 65535) return false;
  return names.has(match[1].toLowerCase().replace(/\.$/, ''));
}

