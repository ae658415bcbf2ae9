import { hashString, mulberry32 } from '#shared/random';

describe('hashString', () => {
  it('gives the same 32-bit value for the same text, on every run', () => {
    expect(hashString('ord_7Hq2Kx9mPz4Lw8Rt#1')).toBe(hashString('ord_7Hq2Kx9mPz4Lw8Rt#1'));
    expect(Number.isInteger(hashString('x')) && hashString('x') >= 0 && hashString('x') < 2 ** 32).toBe(true);
  });

  it('lands texts that differ in one character far apart', () => {
    const a = hashString('seed-1') / 2 ** 32;
    const b = hashString('seed-2') / 2 ** 32;
    expect(Math.abs(a - b)).toBeGreaterThan(0.01);
  });
});

describe('mulberry32', () => {
  it('repeats its sequence when given the same seed, and differs when given another', () => {
    const take = (seed: number) => Array.from({ length: 5 }, mulberry32(seed));
    expect(take(42)).toEqual(take(42));
    expect(take(42)).not.toEqual(take(43));
  });

  it('returns floats in [0, 1) spread across the range', () => {
    const random = mulberry32(7);
    const draws = Array.from({ length: 10_000 }, random);
    expect(draws.every((draw) => draw >= 0 && draw < 1)).toBe(true);
    expect(draws.filter((draw) => draw < 0.5).length / draws.length).toBeCloseTo(0.5, 1);
  });
});
