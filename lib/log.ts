// Structured logs: one JSON object per line on stderr, so stdout stays free for data.
export type Level = 'debug' | 'info' | 'warn' | 'error';

const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function threshold(): number {
  const wanted = (process.env.LPDATA_LOG_LEVEL ?? 'info') as Level;
  return order[wanted] ?? order.info;
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

function emit(level: Level, base: Record<string, unknown>, msg: string, fields?: Record<string, unknown>): void {
  if (order[level] < threshold()) return;
  const line = { ts: new Date().toISOString(), level, msg, ...base, ...fields };
  process.stderr.write(JSON.stringify(line, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) + '\n');
}

export function logger(base: Record<string, unknown> = {}): Logger {
  return {
    debug: (m, f) => emit('debug', base, m, f),
    info: (m, f) => emit('info', base, m, f),
    warn: (m, f) => emit('warn', base, m, f),
    error: (m, f) => emit('error', base, m, f),
    child: (f) => logger({ ...base, ...f }),
  };
}

export const log = logger();

/** Reports progress of a long step at most every `everyMs`, plus once at the end. */
export function progress(l: Logger, step: string, total?: number, everyMs = 2000) {
  let done = 0;
  let last = 0;
  const started = Date.now();
  return {
    tick(n = 1) {
      done += n;
      const now = Date.now();
      if (now - last >= everyMs) {
        last = now;
        l.info('progress', { step, done, total, elapsed_ms: now - started });
      }
    },
    end(fields: Record<string, unknown> = {}) {
      l.info('done', { step, done, total, elapsed_ms: Date.now() - started, ...fields });
    },
  };
}
