import { regexMatches, regexProblem } from './regex';

describe('regex matches, as Envoy evaluates them (RE2)', () => {
  it('matches the whole value only', () => {
    expect(regexMatches('/v2/.*', '/v2/items')).toBe(true);
    expect(regexMatches('/v2/.*', '/api/v2/items')).toBe(false);
    expect(regexMatches('ABC', 'abc', true)).toBe(true);
  });

  it('runs a pattern that backtracking engines blow up on in linear time', () => {
    const hostile = `${'a'.repeat(5_000)}c`;
    const started = performance.now();
    expect(regexMatches('(a+)+b', hostile)).toBe(false);
    // Backtracking doubles with every character (28 took seconds); RE2 takes microseconds per
    // character. The bound is generous so a loaded machine passes, and a backtracker never would.
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('refuses what RE2 does not have, saying what, and never matches it', () => {
    expect(regexProblem('(?!bot).*')).toMatch(/invalid perl operator/);
    expect(regexProblem('(a)\\1')).toMatch(/escape/);
    expect(regexMatches('(?!bot).*', 'anything')).toBe(false);
    expect(regexProblem('/v2/.*')).toBeUndefined();
  });
});
