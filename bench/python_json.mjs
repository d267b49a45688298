// JSON text re-serialised exactly as Python's `json.dumps(json.loads(text))` writes it with the
// default arguments, which is how the Python worker writes the steps documents the system stores:
// every character outside printable ASCII as a `\uXXXX` escape (lowercase hex, astral characters as
// surrogate pairs, DEL included), `\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t` as short escapes, `/`
// as is, separators `, ` and `: `, integers as written, floats by Python's `repr`, objects in the
// order of each key's first occurrence with the value of its last (a Python dict).
// Plain module code, no Node imports: the bench generates the document with it, so no Python is
// needed (wasm/test/python_dumps.test.mjs checks it against python3 when one is installed).

const OBJECT_END = '}';
const ARRAY_END = ']';

/** Python's `repr(float)`: shortest round-trip digits, fixed notation for exponents -4..15. */
export function pythonFloatRepr(value) {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const sign = value < 0 ? '-' : '';
  const [mantissa, exponentText] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    const rest = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const magnitude = String(Math.abs(exponent)).padStart(2, '0');
    return `${sign}${digits[0]}${rest}e${exponent < 0 ? '-' : '+'}${magnitude}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1) || '0';
  return `${sign}${whole}.${fraction}`;
}

const SHORT_ESCAPES = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeChar(char) {
  return SHORT_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** A JS string (UTF-16, lone surrogates allowed) as Python's ensure_ascii encoder writes it. */
export function pythonJsonString(text) {
  // Code units, not code points: an astral character comes out as its two surrogate escapes.
  return `"${text.replace(/[^\x20-\x7e]|["\\]/g, escapeChar)}"`;
}

// A number token as Python reads and writes it: an int stays as written (arbitrary precision,
// `-0` becomes `0`), anything with a fraction or an exponent is a float.
function pythonNumber(token) {
  if (/[.eE]/.test(token)) return pythonFloatRepr(Number(token));
  const digits = token.replace(/^(-?)0+(?=\d)/, '$1');
  return digits === '-0' ? '0' : digits;
}

/** Parses JSON text into Python's view of it: Maps (insertion order), arrays, tokens. */
function parse(text) {
  let at = 0;
  const space = () => {
    while (at < text.length && (text[at] === ' ' || text[at] === '\n' || text[at] === '\r' || text[at] === '\t')) at++;
  };
  const fail = (what) => {
    throw new SyntaxError(`python_json: ${what} at ${at}`);
  };
  const string = () => {
    const start = at;
    at++;
    for (;;) {
      const quote = text.indexOf('"', at);
      if (quote < 0) fail('unterminated string');
      let slashes = 0;
      while (text[quote - 1 - slashes] === '\\') slashes++;
      at = quote + 1;
      if (slashes % 2 === 0) break;
    }
    return { string: JSON.parse(text.slice(start, at)) };
  };
  const value = () => {
    space();
    const c = text[at];
    if (c === '{') {
      at++;
      const members = new Map();
      space();
      if (text[at] === OBJECT_END) {
        at++;
        return members;
      }
      for (;;) {
        space();
        if (text[at] !== '"') fail('expected a key');
        const key = string().string;
        space();
        if (text[at++] !== ':') fail('expected :');
        members.set(key, value());
        space();
        const next = text[at++];
        if (next === OBJECT_END) return members;
        if (next !== ',') fail('expected , or }');
      }
    }
    if (c === '[') {
      at++;
      const items = [];
      space();
      if (text[at] === ARRAY_END) {
        at++;
        return items;
      }
      for (;;) {
        items.push(value());
        space();
        const next = text[at++];
        if (next === ARRAY_END) return items;
        if (next !== ',') fail('expected , or ]');
      }
    }
    if (c === '"') return string();
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, at)) {
        at += literal.length;
        return { literal };
      }
    }
    const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    number.lastIndex = at;
    const match = number.exec(text);
    if (match === null) fail('unexpected character');
    at += match[0].length;
    return { number: match[0] };
  };
  const root = value();
  space();
  if (at !== text.length) fail('trailing text');
  return root;
}

function write(node, out) {
  if (node instanceof Map) {
    out.push('{');
    let first = true;
    for (const [key, member] of node) {
      out.push(first ? '' : ', ', pythonJsonString(key), ': ');
      first = false;
      write(member, out);
    }
    out.push('}');
  } else if (Array.isArray(node)) {
    out.push('[');
    node.forEach((item, i) => {
      if (i > 0) out.push(', ');
      write(item, out);
    });
    out.push(']');
  } else if ('string' in node) {
    out.push(pythonJsonString(node.string));
  } else if ('number' in node) {
    out.push(pythonNumber(node.number));
  } else {
    out.push(node.literal);
  }
}

/** `json.dumps(json.loads(text))` with Python's defaults, as a string (pure ASCII). */
export function pythonJsonDumps(text) {
  const out = [];
  write(parse(text), out);
  return out.join('');
}
