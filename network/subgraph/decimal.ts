// Exact decimal arithmetic with graph-node's BigDecimal semantics: every result is normalised to at
// most 34 significant digits (rounding on the first dropped digit, half away from zero) with trailing
// zeros stripped, and printed in plain notation. Amounts never pass through a float.

const MAX_SIGNIFICANT_DIGITS = 34;
const DECIMAL_TEXT = /^([+-]?)(\d+\.?\d*|\.\d+)(?:[eE]([+-]?\d+))?$/;

const POW10: bigint[] = [1n];
for (let i = 1; i <= 80; i++) POW10.push(POW10[i - 1]! * 10n);
const pow10 = (n: number): bigint => POW10[n] ?? 10n ** BigInt(n);
const abs = (n: bigint): bigint => (n < 0n ? -n : n);
const digitCount = (n: bigint): number => (n === 0n ? 1 : abs(n).toString().length);

export class BigDecimal {
  /** value = digits × 10^(−scale); always normalised (see `make`). */
  private constructor(
    readonly digits: bigint,
    readonly scale: number,
  ) {}

  static readonly ZERO = new BigDecimal(0n, 0);

  /** Normalises like graph-node: round to 34 significant digits, then strip trailing zeros. */
  private static make(digits: bigint, scale: number): BigDecimal {
    if (digits === 0n) return BigDecimal.ZERO;
    const negative = digits < 0n;
    let mag = abs(digits);
    const excess = digitCount(mag) - MAX_SIGNIFICANT_DIGITS;
    if (excess > 0) {
      const divisor = pow10(excess);
      const firstDropped = (mag % divisor) / pow10(excess - 1);
      mag = mag / divisor + (firstDropped >= 5n ? 1n : 0n);
      scale -= excess;
    }
    while (mag % 10n === 0n) {
      mag /= 10n;
      scale -= 1;
    }
    return new BigDecimal(negative ? -mag : mag, scale);
  }

  static fromBigInt(n: bigint): BigDecimal {
    return BigDecimal.make(n, 0);
  }

  /** A base-unit integer (wei, LPT base units) as a decimal of whole tokens: `convertToDecimal`. */
  static fromUnits(units: bigint, decimals = 18): BigDecimal {
    return BigDecimal.make(units, decimals);
  }

  /** Parses plain or scientific decimal text; undefined when it is not a decimal number. */
  static tryParse(text: string): BigDecimal | undefined {
    const m = DECIMAL_TEXT.exec(text.trim());
    if (!m) return undefined;
    const [, sign, body, exp] = m as unknown as [string, string, string, string | undefined];
    const [intPart, fracPart = ''] = body.split('.');
    const digits = BigInt(`${sign === '-' ? '-' : ''}${intPart || '0'}${fracPart}`);
    return BigDecimal.make(digits, fracPart.length - Number(exp ?? '0'));
  }

  static parse(text: string): BigDecimal {
    const d = BigDecimal.tryParse(text);
    if (!d) throw new Error(`"${text}" is not a decimal number`);
    return d;
  }

  private aligned(other: BigDecimal): [bigint, bigint, number] {
    const scale = Math.max(this.scale, other.scale);
    return [this.digits * pow10(scale - this.scale), other.digits * pow10(scale - other.scale), scale];
  }

  plus(other: BigDecimal): BigDecimal {
    const [a, b, scale] = this.aligned(other);
    return BigDecimal.make(a + b, scale);
  }

  minus(other: BigDecimal): BigDecimal {
    const [a, b, scale] = this.aligned(other);
    return BigDecimal.make(a - b, scale);
  }

  times(other: BigDecimal): BigDecimal {
    return BigDecimal.make(this.digits * other.digits, this.scale + other.scale);
  }

  /** Quotient to 34 significant digits; the truncated long division keeps the dropped digits exact. */
  div(other: BigDecimal): BigDecimal {
    if (other.digits === 0n) throw new Error('division of a BigDecimal by zero');
    if (this.digits === 0n) return BigDecimal.ZERO;
    const shift = Math.max(0, MAX_SIGNIFICANT_DIGITS + 6 + digitCount(other.digits) - digitCount(this.digits));
    const q = (this.digits * pow10(shift)) / other.digits;
    return BigDecimal.make(q, this.scale - other.scale + shift);
  }

  cmp(other: BigDecimal): number {
    const [a, b] = this.aligned(other);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  gt(other: BigDecimal): boolean {
    return this.cmp(other) > 0;
  }

  isZero(): boolean {
    return this.digits === 0n;
  }

  toString(): string {
    if (this.scale <= 0) return (this.digits * pow10(-this.scale)).toString();
    const sign = this.digits < 0n ? '-' : '';
    const text = abs(this.digits).toString().padStart(this.scale + 1, '0');
    return `${sign}${text.slice(0, text.length - this.scale)}.${text.slice(text.length - this.scale)}`;
  }

  toJSON(): string {
    return this.toString();
  }
}
