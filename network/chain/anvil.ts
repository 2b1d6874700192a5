// Runs anvil (the EVM node shipped by @foundry-rs/anvil) on a free loopback port, configured to
// look like Arbitrum One and to mine only when told, so a plan mines the same blocks every time.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { UserError } from '../../lib/errors.ts';

export interface AnvilOptions {
  chainId: number;
  /** Unix seconds of the genesis block. */
  genesisTimestamp: number;
}

export interface Anvil {
  rpcUrl: string;
  /** One JSON-RPC call; throws with the method name and the node's error. */
  rpc<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  stop(): Promise<void>;
}

/** Arbitrum One's block gas limit (2^50), so a block never refuses a transaction for size. */
const ARBITRUM_BLOCK_GAS_LIMIT = '1125899906842624';

function anvilBinary(): string {
  const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch as string];
  const pkg = `@foundry-rs/anvil-${process.platform}-${arch ?? process.arch}`;
  const require = createRequire(import.meta.url);
  try {
    const bin = join(dirname(require.resolve(`${pkg}/package.json`)), 'bin', process.platform === 'win32' ? 'anvil.exe' : 'anvil');
    if (existsSync(bin)) return bin;
  } catch {
    // fall through to the error below
  }
  throw new UserError(`anvil binary not found (looked for npm package ${pkg})`, 'run `npm install` so @foundry-rs/anvil installs its platform package');
}

export async function startAnvil(opts: AnvilOptions): Promise<Anvil> {
  const args = [
    '--host', '127.0.0.1',
    '--port', '0',
    '--chain-id', String(opts.chainId),
    '--timestamp', String(opts.genesisTimestamp),
    // Blocks only when the miner asks, transactions in the order sent, no fees to fund.
    '--no-mining',
    '--order', 'fifo',
    '--auto-impersonate',
    '--base-fee', '0',
    '--gas-price', '0',
    '--disable-min-priority-fee',
    '--gas-limit', ARBITRUM_BLOCK_GAS_LIMIT,
    '--hardfork', 'cancun',
    '--accounts', '1',
    '--no-cors',
    // No historical states: mining stays ~1 ms a block instead of slowing as the chain grows.
    // Logs, blocks and receipts are all kept; only state reads at old blocks are gone.
    '--prune-history',
  ];
  const child = spawn(anvilBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let port: number;
  try {
    port = await listeningPort(child);
  } catch (err) {
    child.kill('SIGKILL');
    process.removeListener('exit', killOnExit);
    throw err;
  }
  const rpcUrl = `http://127.0.0.1:${port}`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let id = 0;
  const rpc = <T>(method: string, params: unknown[] = []) =>
    new Promise<T>((resolve, reject) => {
      const body = JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params });
      const req = http.request(
        { host: '127.0.0.1', port, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () => {
            try {
              const reply = JSON.parse(text) as { result?: T; error?: { code: number; message: string } };
              if (reply.error) reject(new Error(`anvil ${method}: ${reply.error.message} (code ${reply.error.code})`));
              else resolve(reply.result as T);
            } catch {
              reject(new Error(`anvil ${method}: HTTP ${res.statusCode} ${text.slice(0, 200)}`));
            }
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    agent.destroy();
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
  };
  return { rpcUrl, rpc, stop };
}

/** Waits for anvil's "Listening on 127.0.0.1:<port>" line. */
function listeningPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`anvil did not start within 15 s; stderr: ${err.slice(-500)}`)), 15_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Listening on 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.removeAllListeners('data');
        child.stdout!.resume();
        resolve(Number(m[1]));
      }
    });
    child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2_000)));
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`anvil exited with code ${code} before listening; stderr: ${err.slice(-500)}`));
    });
  });
}
