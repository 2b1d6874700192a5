// Preloaded (node --import) into the site build and every process it starts: a connection to any
// host but loopback is refused and recorded, so the build cannot quietly depend on a CDN or a
// registry. Plain JavaScript because NODE_OPTIONS preloads run before any TypeScript loader.
// LPDATA_NET_LOG names a file that gets one JSON line per refused attempt.
import dns from 'node:dns';
import { appendFileSync } from 'node:fs';
import net from 'node:net';

const logFile = process.env.LPDATA_NET_LOG;

export function isLoopback(host) {
  const h = String(host).toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || /^::ffff:127\.\d+\.\d+\.\d+$/.test(h);
}

function refuse(host, port, how) {
  const attempt = { host: String(host), port: port === undefined ? null : String(port), how, pid: process.pid, script: process.argv[1] ?? null };
  if (logFile) appendFileSync(logFile, JSON.stringify(attempt) + '\n');
  process.stderr.write(`offline build: refused ${how} to ${attempt.host}${port === undefined ? '' : `:${port}`}\n`);
  const error = new Error(`offline build: ${how} to ${attempt.host} refused (only loopback is reachable)`);
  error.code = 'ELPDATAOFFLINE';
  return error;
}

// Socket#connect takes (options[, cb]), (path[, cb]), (port[, host][, cb]) or, from net.connect,
// an already-normalised [options, cb] array.
function target(args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (first !== null && typeof first === 'object') return first.path !== undefined ? null : { host: first.host ?? 'localhost', port: first.port };
  if (typeof first === 'string' && !/^\d+$/.test(first)) return null;
  return { host: typeof args[1] === 'string' ? args[1] : 'localhost', port: first };
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  const t = target(args);
  if (t && !isLoopback(t.host)) throw refuse(t.host, t.port, 'connect');
  return connect.apply(this, args);
};

const lookup = dns.lookup;
dns.lookup = function guardedLookup(hostname, ...rest) {
  if (!isLoopback(hostname)) {
    const callback = rest.findLast((a) => typeof a === 'function');
    const error = refuse(hostname, undefined, 'dns lookup');
    if (callback) return void process.nextTick(callback, error);
    throw error;
  }
  return lookup.call(this, hostname, ...rest);
};

const lookupPromise = dns.promises.lookup;
dns.promises.lookup = async function guardedLookupPromise(hostname, ...rest) {
  if (!isLoopback(hostname)) throw refuse(hostname, undefined, 'dns lookup');
  return lookupPromise.call(this, hostname, ...rest);
};
