#!/usr/bin/env node
// `job-detail` (the package's bin): the same commands and output as the native CLI, run on the
// core compiled to WebAssembly. See `job-detail --help`.
import { readFile } from 'node:fs/promises';

import { main } from '../dist/cli.js';

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return new Uint8Array(Buffer.concat(chunks));
}

const wasmBinary = await readFile(new URL('../dist/job_detail_cli.wasm', import.meta.url));
process.exitCode = await main(
  process.argv.slice(2),
  {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readStdin,
  },
  wasmBinary,
);
