// NaaP's keyset cursor (Cloud-SPE/livepeer-naap-analytics api/internal/cursor/cursor.go): unpadded
// base64url of a JSON array of strings, the first being the row time in Unix milliseconds.

export class InvalidCursor extends Error {
  constructor(detail: string) {
    super(`invalid cursor: ${detail}`);
  }
}

export function encodeCursor(tMs: number, keys: string[]): string {
  return Buffer.from(JSON.stringify([String(tMs), ...keys]), 'utf8').toString('base64url');
}

/** Undefined for an empty cursor (first page). Strict like Go's RawURLEncoding: no padding, URL alphabet only. */
export function decodeCursor(cursor: string, keyCount: number): { t: number; keys: string[] } | undefined {
  if (cursor === '') return undefined;
  if (!/^[A-Za-z0-9_-]*$/.test(cursor) || cursor.length % 4 === 1) throw new InvalidCursor('decode token');
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursor('decode payload');
  }
  if (values !== null && !(Array.isArray(values) && values.every((v) => typeof v === 'string'))) throw new InvalidCursor('decode payload');
  const list = (values ?? []) as string[];
  if (list.length !== keyCount + 1) throw new InvalidCursor(`expected ${keyCount + 1} values, got ${list.length}`);
  if (!/^-?\d+$/.test(list[0]!)) throw new InvalidCursor('bad timestamp');
  return { t: Number(list[0]), keys: list.slice(1) };
}
