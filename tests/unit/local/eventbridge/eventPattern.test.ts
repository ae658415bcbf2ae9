import { readFileSync } from 'node:fs';
import path from 'node:path';

import {
  CompiledPattern,
  InvalidEventPatternError,
  matchesEventPattern,
  parseEventPattern,
} from '../../../../local/eventbridge';
import { invalidCases, matchCases } from './eventPatternCases';

interface ConformanceCase {
  readonly id: string;
  readonly source: string;
  readonly pattern: object;
  readonly event: object;
  readonly matches: boolean;
  readonly note: string;
}

/**
 * Cases taken from the EventBridge user guide, each with its `source` (conformance/README.md); kept in the
 * repository so a clone on its own runs them. A missing file fails the suite rather than skipping it.
 */
const conformanceCases = JSON.parse(
  readFileSync(path.join(__dirname, 'conformance/eventbridge-doc-cases.json'), 'utf8'),
) as ConformanceCase[];

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('EventBridge event patterns', () => {
  describe('documentation conformance cases', () => {
    it('loads the documentation cases', () => {
      expect(conformanceCases.length).toBeGreaterThanOrEqual(68);
    });

    it.each(conformanceCases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
      expect(matchesEventPattern(c.pattern, c.event)).toBe(c.matches);
    });
  });

  describe('documented rules', () => {
    it.each(matchCases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
      expect(matchesEventPattern(c.pattern, c.event)).toBe(c.matches);
    });
  });

  describe('invalid patterns', () => {
    it.each(invalidCases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
      const error = thrownBy(() => parseEventPattern(c.pattern));
      expect(error).toBeInstanceOf(InvalidEventPatternError);
      const invalid = error as InvalidEventPatternError;
      expect(invalid.name).toBe('InvalidEventPatternException');
      expect(invalid.message).toContain(`Event pattern is not valid. Reason: ${c.reason}`);
      expect(invalid.reason).toContain(c.reason);
      expect(() => matchesEventPattern(c.pattern, {})).toThrow(InvalidEventPatternError);
    });
  });

  describe('API', () => {
    const pattern = { source: ['com.example.orders'], detail: { state: [{ 'anything-but': 'CANCELLED' }] } };
    const placed = { source: 'com.example.orders', detail: { state: 'PLACED' } };

    it('accepts the pattern as text, as an object, or compiled', () => {
      const compiled = parseEventPattern(JSON.stringify(pattern));
      expect(compiled).toBeInstanceOf(CompiledPattern);
      expect(compiled.source).toEqual(pattern);
      expect(matchesEventPattern(compiled, placed)).toBe(true);
      expect(matchesEventPattern(pattern, placed)).toBe(true);
      expect(matchesEventPattern(JSON.stringify(pattern), placed)).toBe(true);
      expect(matchesEventPattern(compiled, { ...placed, detail: { state: 'CANCELLED' } })).toBe(false);
    });

    it('keeps a detached copy of an object pattern', () => {
      const mutable = { source: ['a'] };
      const compiled = parseEventPattern(mutable);
      mutable.source[0] = 'b';
      expect(matchesEventPattern(compiled, { source: 'a' })).toBe(true);
    });

    it('names the offending field in the message', () => {
      const error = thrownBy(() => parseEventPattern({ detail: { state: [{ prefix: 1 }] } })) as InvalidEventPatternError;
      expect(error.field).toBe('detail.state');
      expect(error.message).toBe(
        'Event pattern is not valid. Reason: prefix match pattern must be a string\n at field "detail.state"',
      );
    });

    it('reports JSON syntax errors as invalid patterns', () => {
      const error = thrownBy(() => parseEventPattern("{'bad': 'quotation'}"));
      expect(error).toBeInstanceOf(InvalidEventPatternError);
    });

    it('does not match an event that is not an object', () => {
      expect(matchesEventPattern({ source: ['a'] }, ['a'])).toBe(false);
    });
  });
});
