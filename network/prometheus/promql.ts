// The part of PromQL the peer evaluates: one instant-vector selector, `name{label op "value", ...}`
// with the four matchers (=, !=, =~, !~). Valid PromQL, so a connector written against it works on
// a real Prometheus unchanged. Anything else is refused with a Prometheus-style parse error.
import type { Labels } from './series.ts';

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface Matcher {
  name: string;
  op: MatchOp;
  value: string;
  test(v: string): boolean;
}

export class PromQLError extends Error {}

function matcher(name: string, op: MatchOp, value: string): Matcher {
  if (op === '=' || op === '!=') return { name, op, value, test: (v) => (v === value) === (op === '=') };
  let re: RegExp;
  try {
    // Prometheus anchors regular expressions at both ends.
    re = new RegExp(`^(?:${value})$`, 's');
  } catch (err) {
    throw new PromQLError(`error parsing regexp: ${(err as Error).message}`);
  }
  return { name, op, value, test: (v) => re.test(v) === (op === '=~') };
}

export function parseSelector(input: string): Matcher[] {
  let i = 0;
  const fail = (msg: string): never => {
    throw new PromQLError(`1:${i + 1}: parse error: ${msg}`);
  };
  const unexpected = (): never => fail(i >= input.length ? 'unexpected end of input inside braces' : `unexpected character inside braces: ${JSON.stringify(input[i])}`);
  const ws = () => {
    while (i < input.length && /\s/.test(input[i]!)) i++;
  };
  const ident = (re: RegExp) => {
    const m = re.exec(input.slice(i));
    if (!m) return '';
    i += m[0].length;
    return m[0];
  };
  const str = (): string => {
    const q = input[i];
    if (q !== '"' && q !== "'" && q !== '`') return unexpected();
    i++;
    let out = '';
    while (i < input.length && input[i] !== q) {
      if (input[i] === '\\' && q !== '`') {
        const c = input[i + 1];
        out += c === 'n' ? '\n' : c === 't' ? '\t' : c ?? '';
        i += 2;
      } else out += input[i++];
    }
    if (input[i] !== q) fail('unterminated quoted string');
    i++;
    return out;
  };

  ws();
  if (i >= input.length) fail('no expression found in input');
  const matchers: Matcher[] = [];
  const name = ident(/^[a-zA-Z_:][a-zA-Z0-9_:]*/);
  if (name) matchers.push(matcher('__name__', '=', name));
  ws();
  if (input[i] === '{') {
    i++;
    for (;;) {
      ws();
      if (input[i] === '}') break;
      const label = ident(/^[a-zA-Z_][a-zA-Z0-9_]*/);
      if (!label) unexpected();
      ws();
      const op = ident(/^(=~|!~|!=|=)/) as MatchOp | '';
      if (!op) unexpected();
      ws();
      matchers.push(matcher(label, op as MatchOp, str()));
      ws();
      if (input[i] === ',') {
        i++;
        continue;
      }
      if (input[i] !== '}') unexpected();
    }
    i++;
  } else if (!name) fail(`unexpected character: ${JSON.stringify(input[i])}`);
  ws();
  if (i < input.length) fail(`unexpected ${JSON.stringify(input.slice(i, i + 10))}: only a plain instant-vector selector is supported here`);
  if (!matchers.some((m) => !m.test(''))) {
    throw new PromQLError(`1:1: parse error: vector selector must contain at least one non-empty matcher`);
  }
  return matchers;
}

/** A missing label matches as the empty string, as in Prometheus. */
export function matches(matchers: Matcher[], labels: Labels): boolean {
  return matchers.every((m) => m.test(labels[m.name] ?? ''));
}
