// Compiles LogEmitter.sol with the npm solc (wasm, offline). Loading the compiler takes about a
// second, so the runtime bytecode is cached under the OS temp folder, keyed by the source, the
// settings and the compiler version, and computed at most once per process.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Abi, Hex } from 'viem';
import { sha256 } from '../../lib/hash.ts';

export interface CompiledEmitter {
  abi: Abi;
  /** Runtime (deployed) bytecode, placed with anvil_setCode. */
  runtime: Hex;
}

const SOURCE_FILE = 'LogEmitter.sol';
const SETTINGS = {
  evmVersion: 'cancun',
  optimizer: { enabled: true, runs: 200 },
  outputSelection: { '*': { LogEmitter: ['abi', 'evm.deployedBytecode.object'] } },
};

let compiled: Promise<CompiledEmitter> | undefined;

export function compileEmitter(): Promise<CompiledEmitter> {
  compiled ??= load();
  return compiled;
}

async function load(): Promise<CompiledEmitter> {
  const source = readFileSync(new URL(`./${SOURCE_FILE}`, import.meta.url), 'utf8');
  const require = createRequire(import.meta.url);
  const solcVersion = (JSON.parse(readFileSync(require.resolve('solc/package.json'), 'utf8')) as { version: string }).version;
  const key = sha256(JSON.stringify({ source, SETTINGS, solcVersion })).slice(0, 24);
  const dir = join(tmpdir(), 'lpdata-solc-cache');
  const file = join(dir, `LogEmitter-${key}.json`);
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as CompiledEmitter;

  const solc = (await import('solc')).default as { compile(input: string): string };
  const output = JSON.parse(solc.compile(JSON.stringify({ language: 'Solidity', sources: { [SOURCE_FILE]: { content: source } }, settings: SETTINGS }))) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts?: Record<string, Record<string, { abi: Abi; evm: { deployedBytecode: { object: string } } }>>;
  };
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(`${SOURCE_FILE} does not compile with solc ${solcVersion}:\n${errors.map((e) => e.formattedMessage).join('\n')}`);
  const contract = output.contracts?.[SOURCE_FILE]?.LogEmitter;
  if (!contract) throw new Error(`solc ${solcVersion} produced no LogEmitter contract from ${SOURCE_FILE}`);
  const result: CompiledEmitter = { abi: contract.abi, runtime: `0x${contract.evm.deployedBytecode.object}` };
  await mkdir(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(result));
  await rename(tmp, file);
  return result;
}
