import { describe, expect, it } from 'vitest';
import { BigDecimal } from '../../network/subgraph/decimal.ts';

const d = (s: string) => BigDecimal.parse(s);

describe('BigDecimal', () => {
  it('converts base units to whole tokens exactly', () => {
    expect(BigDecimal.fromUnits(1_234_567_890_123_456_789n).toString()).toBe('1.234567890123456789');
    expect(BigDecimal.fromUnits(1n).toString()).toBe('0.000000000000000001');
    expect(BigDecimal.fromUnits(10n ** 18n).toString()).toBe('1');
    expect(BigDecimal.fromUnits(0n).toString()).toBe('0');
    expect(BigDecimal.fromUnits(-2_500_000_000_000_000_000n).toString()).toBe('-2.5');
    expect(BigDecimal.fromUnits(12_660_572_689_057_253_001_431_262n).toString()).toBe('12660572.689057253001431262');
  });

  it('adds, subtracts and multiplies without losing digits', () => {
    expect(d('0.1').plus(d('0.2')).toString()).toBe('0.3');
    expect(d('1000').minus(d('0.000000000000000001')).toString()).toBe('999.999999999999999999');
    expect(d('1.234567890123456789').times(d('3000')).toString()).toBe('3703.703670370370367');
    expect(d('1e3').toString()).toBe('1000');
    expect(d('-0.50').toString()).toBe('-0.5');
  });

  it('divides to 34 significant digits like graph-node (a real participationRate)', () => {
    // Transcoder 0x1a19…'s lastRewardRound 2535 in livepeer-events orchInfo.json.
    expect(d('12660572.689057253001431262').div(d('25315641.406774142960762968')).toString()).toBe('0.5001087069304688888807674462863896');
    expect(d('2').div(d('3')).toString()).toBe('0.6666666666666666666666666666666667');
    expect(d('1').div(d('8')).toString()).toBe('0.125');
    expect(() => d('1').div(BigDecimal.ZERO)).toThrow(/division/);
  });

  it('compares numerically, not as text', () => {
    expect(d('10').cmp(d('9.99'))).toBe(1);
    expect(d('0.5').cmp(d('0.50'))).toBe(0);
    expect(d('-1').gt(d('-2'))).toBe(true);
  });

  it('rejects text that is not a number', () => {
    expect(BigDecimal.tryParse('1.2.3')).toBeUndefined();
    expect(BigDecimal.tryParse('NaN')).toBeUndefined();
    expect(() => d('')).toThrow(/not a decimal/);
  });
});
