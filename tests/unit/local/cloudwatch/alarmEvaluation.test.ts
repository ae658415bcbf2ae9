import type { AlarmDefinition, AlarmState } from '../../../../local/cloudwatch/alarmDefinition';
import { evaluateAlarm, evaluationRange, formatDate, formatValue } from '../../../../local/cloudwatch/alarmEvaluation';
import { MetricStore } from '../../../../local/cloudwatch/metricStore';

const MINUTE = 60_000;
/** 08/12/26 10:31:00 UTC. */
const PERIOD_START = Date.UTC(2026, 11, 8, 10, 31, 0);
/** Twenty seconds into that period: evaluations happen while the current period is still open. */
const NOW = PERIOD_START + 20_000;

const ALARM: AlarmDefinition = {
  AlarmName: 'dlq',
  AlarmArn: 'arn:aws:cloudwatch:eu-west-1:000000000000:alarm:dlq',
  Namespace: 'AWS/SQS',
  MetricName: 'ApproximateNumberOfMessagesVisible',
  Dimensions: [{ Name: 'QueueName', Value: 'q-dlq' }],
  Statistic: 'Maximum',
  Period: 60,
  EvaluationPeriods: 1,
  DatapointsToAlarm: 1,
  Threshold: 0,
  ComparisonOperator: 'GreaterThanThreshold',
  TreatMissingData: 'notBreaching',
  ActionsEnabled: true,
  AlarmActions: [],
  OKActions: [],
  InsufficientDataActions: [],
};

/**
 * Puts values into a real store (each `[period index, value]`: 0 is the current period, 1 the one before…),
 * reads the alarm's evaluation range and evaluates it at {@link NOW}.
 */
const evaluate = (changes: Partial<AlarmDefinition>, values: readonly [periodsAgo: number, value: number][], current: AlarmState = 'OK') => {
  const alarm = { ...ALARM, ...changes };
  const store = new MetricStore({ now: () => NOW });
  for (const [periodsAgo, value] of values) store.put(alarm, value, { timestamp: PERIOD_START - periodsAgo * alarm.Period * 1000 + 1_000 });
  const { startTime, endTime } = evaluationRange(alarm, NOW);
  return evaluateAlarm(alarm, store.statistics(alarm, { startTime, endTime, period: alarm.Period }), current, NOW);
};

const recentDatapoints = (evaluation: ReturnType<typeof evaluate>): unknown => (JSON.parse(evaluation?.reasonData ?? '{}') as { recentDatapoints?: unknown }).recentDatapoints;

describe('evaluateAlarm', () => {
  it('goes to ALARM with AWS’s reason text when the one data point crosses the threshold', () => {
    const evaluation = evaluate({}, [[0, 1]]);

    expect(evaluation).toMatchObject({ state: 'ALARM', reason: 'Threshold Crossed: 1 datapoint [1.0 (08/12/26 10:31:00)] was greater than the threshold (0.0).' });
    expect(JSON.parse(evaluation?.reasonData ?? '')).toEqual({
      version: '1.0',
      queryDate: '2026-12-08T10:31:20.000+0000',
      startDate: '2026-12-08T10:31:00.000+0000',
      statistic: 'Maximum',
      period: 60,
      recentDatapoints: [1],
      threshold: 0,
      evaluatedDatapoints: [{ timestamp: '2026-12-08T10:31:00.000+0000', sampleCount: 1, value: 1 }],
    });
  });

  it('goes to OK saying the data point was not above the threshold when it does not cross it', () => {
    expect(evaluate({}, [[0, 0]], 'ALARM')).toMatchObject({ state: 'OK', reason: 'Threshold Crossed: 1 datapoint [0.0 (08/12/26 10:31:00)] was not greater than the threshold (0.0).' });
  });

  // Values 1, 5 and 3 in one period: SampleCount 3, Sum 9, Minimum 1, Maximum 5, Average 3.
  it.each([
    ['SampleCount', 3],
    ['Sum', 9],
    ['Minimum', 1],
    ['Maximum', 5],
    ['Average', 3],
  ] as const)('compares the period’s %s (%d) with the threshold', (Statistic, expected) => {
    const values: [number, number][] = [[0, 1], [0, 5], [0, 3]];

    const atThreshold = evaluate({ Statistic, Threshold: expected, ComparisonOperator: 'GreaterThanOrEqualToThreshold' }, values);
    const aboveIt = evaluate({ Statistic, Threshold: expected + 0.5, ComparisonOperator: 'GreaterThanOrEqualToThreshold' }, values);

    expect({ state: atThreshold?.state, value: recentDatapoints(atThreshold) }).toEqual({ state: 'ALARM', value: [expected] });
    expect(aboveIt?.state).toBe('OK');
  });

  it.each([
    ['GreaterThanThreshold', 2, 'OK', 'not greater than'],
    ['GreaterThanOrEqualToThreshold', 2, 'ALARM', 'greater than or equal to'],
    ['LessThanThreshold', 2, 'OK', 'not less than'],
    ['LessThanOrEqualToThreshold', 2, 'ALARM', 'less than or equal to'],
    ['LessThanThreshold', 3, 'ALARM', 'less than'],
  ] as const)('applies %s to a value of 2 against a threshold of %d', (ComparisonOperator, Threshold, state, words) => {
    const evaluation = evaluate({ ComparisonOperator, Threshold }, [[0, 2]]);

    expect(evaluation?.state).toBe(state);
    expect(evaluation?.reason).toContain(`was ${words} the threshold (${Threshold}.0)`);
  });

  describe('M out of N', () => {
    const twoOfThree = { EvaluationPeriods: 3, DatapointsToAlarm: 2 };

    it('goes to ALARM when 2 of the last 3 data points breach, listing them newest first', () => {
      const evaluation = evaluate(twoOfThree, [[0, 4], [1, 0], [2, 2]]);

      expect(evaluation).toMatchObject({
        state: 'ALARM',
        reason: 'Threshold Crossed: 2 out of the last 3 datapoints [4.0 (08/12/26 10:31:00), 2.0 (08/12/26 10:29:00)] were greater than the threshold (0.0) (minimum 2 datapoints for OK -> ALARM transition).',
      });
    });

    it('stays OK when only 1 of the last 3 data points breaches', () => {
      const evaluation = evaluate(twoOfThree, [[0, 0], [1, 0], [2, 2]], 'ALARM');

      expect(evaluation).toMatchObject({
        state: 'OK',
        reason: 'Threshold Crossed: 2 out of the last 3 datapoints [0.0 (08/12/26 10:31:00), 0.0 (08/12/26 10:30:00)] were not greater than the threshold (0.0) (minimum 2 datapoints for ALARM -> OK transition).',
      });
    });

    it('evaluates only the 3 most recent data points when the range holds a fourth, older one', () => {
      expect(evaluate(twoOfThree, [[0, 0], [1, 0], [2, 2], [3, 9]])?.state).toBe('OK');
    });
  });

  describe('the evaluation range', () => {
    it('evaluates the previous period’s data point, whatever TreatMissingData says, when the current period has none yet', () => {
      const evaluations = (['missing', 'notBreaching', 'breaching', 'ignore'] as const).map((TreatMissingData) => evaluate({ TreatMissingData }, [[1, 1]])?.state);

      expect(evaluations).toEqual(['ALARM', 'ALARM', 'ALARM', 'ALARM']);
    });

    it('reads the open period and the one before each evaluated period, aligned to the period', () => {
      const range = evaluationRange({ Period: 900, EvaluationPeriods: 2 }, Date.UTC(2026, 11, 8, 10, 31, 20));

      expect(range).toEqual({
        startTime: Date.UTC(2026, 11, 8, 10, 0),
        endTime: Date.UTC(2026, 11, 8, 10, 45),
        periodStarts: [Date.UTC(2026, 11, 8, 10, 30), Date.UTC(2026, 11, 8, 10, 15), Date.UTC(2026, 11, 8, 10, 0)],
      });
    });
  });

  describe('TreatMissingData when no data point is in range', () => {
    it('goes to INSUFFICIENT_DATA when missing', () => {
      expect(evaluate({ TreatMissingData: 'missing', EvaluationPeriods: 2, DatapointsToAlarm: 2 }, [])).toMatchObject({
        state: 'INSUFFICIENT_DATA',
        reason: 'Insufficient Data: 2 datapoints were unknown.',
      });
    });

    it('keeps the current state (no evaluation) when ignore', () => {
      expect(evaluate({ TreatMissingData: 'ignore' }, [], 'ALARM')).toBeUndefined();
    });

    it('goes to ALARM when breaching', () => {
      expect(evaluate({ TreatMissingData: 'breaching' }, [])).toMatchObject({
        state: 'ALARM',
        reason: 'Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as [Breaching].',
      });
    });

    it('goes to OK when notBreaching', () => {
      expect(evaluate({ TreatMissingData: 'notBreaching' }, [], 'ALARM')).toMatchObject({
        state: 'OK',
        reason: 'Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as [NonBreaching].',
      });
    });
  });

  describe('TreatMissingData when some data points of the N are missing', () => {
    // 3 of 3, one breaching data point two periods ago, nothing since.
    const threeOfThree = { EvaluationPeriods: 3, DatapointsToAlarm: 3 };

    it('fills the missing ones as breaching when breaching', () => {
      expect(evaluate({ ...threeOfThree, TreatMissingData: 'breaching' }, [[2, 1]])).toMatchObject({
        state: 'ALARM',
        reason: 'Threshold Crossed: 1 datapoint [1.0 (08/12/26 10:29:00)] was greater than the threshold (0.0) and 2 missing datapoints were treated as [Breaching].',
      });
    });

    it('fills the missing ones as not breaching when notBreaching', () => {
      expect(evaluate({ ...threeOfThree, TreatMissingData: 'notBreaching' }, [[2, 1]], 'ALARM')).toMatchObject({
        state: 'OK',
        reason: 'Threshold Crossed: 2 missing datapoints were treated as [NonBreaching].',
      });
    });

    it.each(['missing', 'ignore'] as const)('evaluates only the data points there are when %s', (TreatMissingData) => {
      const tooFew = evaluate({ ...threeOfThree, TreatMissingData }, [[2, 1]]);
      const enough = evaluate({ ...threeOfThree, DatapointsToAlarm: 1, TreatMissingData }, [[2, 1]]);

      expect(tooFew).toMatchObject({
        state: 'OK',
        reason: 'Threshold Crossed: only 1 datapoint [1.0 (08/12/26 10:29:00)] was greater than the threshold (0.0) (minimum 3 datapoints for OK -> ALARM transition).',
      });
      expect(enough?.state).toBe('ALARM');
    });
  });
});

describe('reason text formats', () => {
  it.each([
    [0, '0.0'],
    [1, '1.0'],
    [-3, '-3.0'],
    [0.25, '0.25'],
    [1e7, '1.0E7'],
    [12_345_678, '1.2345678E7'],
  ])('prints %d as CloudWatch does (%s)', (value, text) => {
    expect(formatValue(value)).toBe(text);
  });

  it('prints data point times as dd/MM/yy HH:mm:ss in UTC', () => {
    expect(formatDate(Date.UTC(2026, 0, 2, 3, 4, 5))).toBe('02/01/26 03:04:05');
  });
});

// The evaluation range is relative to `now`: a minute later, what was current is the period before.
describe('evaluateAlarm over time', () => {
  it('goes back to OK once a period passes with no data when notBreaching, and not before', () => {
    const store = new MetricStore({ now: () => NOW });
    store.put(ALARM, 1, { timestamp: PERIOD_START + 1_000 });
    const at = (now: number) => {
      const { startTime, endTime } = evaluationRange(ALARM, now);
      return evaluateAlarm(ALARM, store.statistics(ALARM, { startTime, endTime, period: 60 }), 'ALARM', now)?.state;
    };

    expect([at(NOW), at(NOW + MINUTE), at(NOW + 2 * MINUTE)]).toEqual(['ALARM', 'ALARM', 'OK']);
  });
});
