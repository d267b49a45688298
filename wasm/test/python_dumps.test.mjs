// The bench's Python-written document: bench/python_json.mjs must write byte for byte what
// Python's `json.dumps` (default arguments) writes, checked against python3 itself.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

import { generateStepsDocument } from '../../bench/generate.mjs';
import { pythonJsonDumps } from '../../bench/python_json.mjs';

const DUMPS = 'import json,sys; sys.stdout.write(json.dumps(json.load(sys.stdin)))';
const probe = spawnSync('python3', ['-c', 'import json'], { encoding: 'utf8' });
const noPython = probe.error !== undefined || probe.status !== 0 ? 'python3 is not installed: the reference json.dumps cannot run' : false;

function python(bytes) {
  const run = spawnSync('python3', ['-c', DUMPS], { input: bytes, maxBuffer: 1 << 26 });
  assert.equal(run.status, 0, String(run.stderr));
  return run.stdout;
}

// Every kind of character and number: ASCII printables (`/` included), each short escape, other
// control characters written raw-escaped, DEL, Latin-1, BMP (CJK, U+2028), astral (emoji, a flag,
// a skin tone), escapes already in the input (`\/`, `\u00e9`, a surrogate pair, lone surrogates),
// integers (big, negative zero, leading context), floats across repr's fixed/scientific switch,
// duplicate keys (first position, last value), integer-like keys, nesting and empty containers.
const SAMPLE = String.raw`{ "ascii": " !#$%&'()*+,-./0123456789:;<=>?@AZ[]^_` + '`' + String.raw`az{|}~",
  "short": "quote \" backslash \\ slash / \/ b\b f\f n\n r\r t\t",
  "controls": "\u0000\u0001\u001f\u007f",
  "latin1": "café naïve Straße ¥ ©",
  "bmp": "日本語 Ελληνικά русский € … “” \u2028\u2029 \uFFFF",
  "astral": "😀 🚀 🇯🇵 👍🏽 𝄞 \ud83d\ude00",
  "lone": "\ud800 x \udfff",
  "escaped": "\u00e9\u00E9",
  "ints": [0, -0, 7, -42, 123456789012345678901234567890, 9007199254740993],
  "floats": [0.0, -0.0, 0.1, 1.0, 1.5e-5, 0.0001, 0.00001, 1e16, 9.999e15, 1E22, 5e-7, 123456789012345680.5, -2.50, 1e-310],
  "dup": 1, "2": "two", "1": "one", "dup": [true, false, null],
  "nested": {"a": [], "b": {}, "c": [[{}]], "d": ""}
}`;

test('pythonJsonDumps writes what python3 json.dumps writes, every kind of character and number', { skip: noPython }, () => {
  const input = new TextEncoder().encode(SAMPLE);
  const expected = python(input);
  const actual = Buffer.from(pythonJsonDumps(SAMPLE), 'utf8');
  assert.equal(actual.toString('latin1'), expected.toString('latin1'));
  assert.ok(actual.equals(expected));
});

test('the generated Python-written steps document is byte for byte python3 json.dumps of the non-ASCII one', { skip: noPython }, () => {
  const options = { steps: 60, htmlEvery: 10, htmlBytes: 3000 };
  const plain = generateStepsDocument({ ...options, nonAscii: true });
  const written = generateStepsDocument({ ...options, nonAscii: true, pythonDumps: true });
  assert.ok(Buffer.from(written.bytes).equals(python(plain.bytes)));
  assert.equal(written.expectedTotalUsd, plain.expectedTotalUsd);
  assert.match(new TextDecoder().decode(written.bytes), /^[\x20-\x7e]*$/, 'pure printable ASCII');
});
