// The node `job-detail` CLI. Argument handling and file reading only: every output line comes
// from the core's command functions through wasm, so it matches the native CLI byte for byte
// (tests/cli/contract.json is run against both).
import { readFile } from 'node:fs/promises';

import createJobDetailCliModule, { type RawCliModule, type RawCommandOutput } from './job_detail_cli.mjs';

const EXIT_USAGE = 2;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => Promise<Uint8Array>;
}

class UsageError extends Error {}

async function readInput(path: string, io: CliIo): Promise<Uint8Array> {
  if (path === '-') return io.readStdin();
  try {
    return await readFile(path);
  } catch {
    throw new UsageError(`cannot read ${path}`);
  }
}

function print(output: RawCommandOutput, io: CliIo): number {
  (output.exitCode === EXIT_USAGE ? io.stderr : io.stdout)(`${output.line}\n`);
  return output.exitCode;
}

async function merge(raw: RawCliModule, args: string[], io: CliIo): Promise<number> {
  const options = new Map<string, string>();
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i] ?? '';
    const value = args[i + 1];
    if (value === undefined) throw new UsageError(`${name} needs a value`);
    if (!['--job', '--steps', '--steps-error'].includes(name)) {
      throw new UsageError(`unknown merge option ${name}`);
    }
    if (options.has(name)) throw new UsageError(`${name} given twice`);
    options.set(name, value);
  }
  const jobPath = options.get('--job');
  const stepsPath = options.get('--steps');
  const stepsError = options.get('--steps-error');
  if (jobPath === undefined) throw new UsageError('merge needs --job <file>');
  if (stepsPath !== undefined && stepsError !== undefined) {
    throw new UsageError('--steps and --steps-error exclude each other');
  }
  const job = await readInput(jobPath, io);
  const steps = stepsPath === undefined ? null : await readInput(stepsPath, io);
  return print(raw.mergeCommand(job, steps, stepsError ?? null), io);
}

async function run(raw: RawCliModule, argv: string[], io: CliIo): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case '--help':
    case '-h':
    case 'help':
      io.stdout(raw.cliUsage());
      return 0;
    case 'format-cost':
      if (args.length !== 1 || args[0] === undefined) {
        throw new UsageError('format-cost takes one JSON value');
      }
      return print(raw.formatCostCommand(args[0]), io);
    case 'inspect-steps':
      if (args.length !== 1 || args[0] === undefined) {
        throw new UsageError('inspect-steps takes one file (or - for standard input)');
      }
      return print(raw.inspectStepsCommand(await readInput(args[0], io)), io);
    case 'merge':
      return merge(raw, args, io);
    case undefined:
      throw new UsageError('no command');
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}

/** Runs one CLI invocation; returns the exit status. */
export async function main(argv: string[], io: CliIo, wasmBinary: Uint8Array): Promise<number> {
  const raw = await createJobDetailCliModule({ wasmBinary });
  try {
    return await run(raw, argv, io);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`job-detail: ${error.message}\n${raw.cliUsage()}`);
    return EXIT_USAGE;
  }
}
