import { InvalidMetricDataError, MetricStore, type MetricKey } from '../../../../local/cloudwatch/metricStore';

/** 10:00:00 UTC: a minute, a five-minute and a quarter-hour boundary. */
const START = Date.UTC(2026, 11, 8, 10, 0, 0);
const MINUTE = 60_000;

const ERRORS: MetricKey = { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: 'fn' }] };

/** A store on a clock the test moves by hand. */
const setup = (options: { retentionSeconds?: number } = {}) => {
  let time = START;
  const store = new MetricStore({ now: () => time, ...options });
  return {
    store,
    at: (ms: number) => {
      time = START + ms;
    },
  };
};

const wholeHour = { startTime: START, endTime: START + 60 * MINUTE };

describe('MetricStore statistics', () => {
  it('computes SampleCount, Sum, Minimum, Maximum and Average of one period when values are put in it', () => {
    const { store } = setup();

    store.put(ERRORS, [4, 1], { timestamp: START + 5_000, unit: 'Count' });
    store.put(ERRORS, 7, { timestamp: START + 50_000, unit: 'Count' });

    expect(store.statistics(ERRORS, { ...wholeHour, period: 60 })).toEqual([
      { Timestamp: new Date(START), SampleCount: 3, Sum: 12, Minimum: 1, Maximum: 7, Average: 4, Unit: 'Count' },
    ]);
  });

  it('combines the minutes of a longer period, aligned to multiples of the period, when the period spans several minutes', () => {
    const { store } = setup();

    store.put(ERRORS, 1, { timestamp: START + 1 * MINUTE });
    store.put(ERRORS, 3, { timestamp: START + 4 * MINUTE + 59_999 });
    store.put(ERRORS, 10, { timestamp: START + 5 * MINUTE });

    const points = store.statistics(ERRORS, { ...wholeHour, period: 300 });

    expect(points.map(({ Timestamp, SampleCount, Sum, Maximum }) => ({ at: Timestamp.getTime() - START, SampleCount, Sum, Maximum }))).toEqual([
      { at: 0, SampleCount: 2, Sum: 4, Maximum: 3 },
      { at: 5 * MINUTE, SampleCount: 1, Sum: 10, Maximum: 10 },
    ]);
  });

  it('leaves out periods without values and values outside the range', () => {
    const { store } = setup();
    store.put(ERRORS, 1, { timestamp: START - MINUTE });
    store.put(ERRORS, 2, { timestamp: START + 2 * MINUTE });

    const points = store.statistics(ERRORS, { startTime: START, endTime: START + 2 * MINUTE + 1, period: 60 });

    expect(points.map(({ Timestamp, Sum }) => ({ at: Timestamp.getTime() - START, Sum }))).toEqual([{ at: 2 * MINUTE, Sum: 2 }]);
  });

  it('tells metrics apart by their exact dimensions, whatever their order, when two differ by one dimension', () => {
    const { store } = setup();
    const both = (order: 'service first' | 'stage first'): MetricKey => ({
      Namespace: 'Ordering',
      MetricName: 'IncompleteOrders',
      Dimensions: order === 'service first' ? [{ Name: 'service', Value: 'order' }, { Name: 'stage', Value: 'dev' }] : [{ Name: 'stage', Value: 'dev' }, { Name: 'service', Value: 'order' }],
    });
    const serviceOnly: MetricKey = { Namespace: 'Ordering', MetricName: 'IncompleteOrders', Dimensions: [{ Name: 'service', Value: 'order' }] };

    store.put(both('service first'), 2);
    store.put(serviceOnly, 5);

    expect(store.statistics(both('stage first'), { ...wholeHour, period: 60 }).map(({ Sum }) => Sum)).toEqual([2]);
    expect(store.statistics(serviceOnly, { ...wholeHour, period: 60 }).map(({ Sum }) => Sum)).toEqual([5]);
    expect(store.listMetrics({ Namespace: 'Ordering' })).toHaveLength(2);
  });

  it('counts only the values of one unit when the query names a unit', () => {
    const { store } = setup();
    const latency: MetricKey = { Namespace: 'Ordering', MetricName: 'Latency', Dimensions: [] };
    store.put(latency, 2, { unit: 'Seconds' });
    store.put(latency, 500, { unit: 'Milliseconds' });

    const seconds = store.statistics(latency, { ...wholeHour, period: 60, unit: 'Seconds' });
    const all = store.statistics(latency, { ...wholeHour, period: 60 });

    expect(seconds.map(({ Sum, Unit }) => ({ Sum, Unit }))).toEqual([{ Sum: 2, Unit: 'Seconds' }]);
    expect(all.map(({ Sum, SampleCount }) => ({ Sum, SampleCount }))).toEqual([{ Sum: 502, SampleCount: 2 }]);
  });

  it('refuses a period that is not a multiple of 60 s', () => {
    const { store } = setup();

    expect(() => store.statistics(ERRORS, { ...wholeHour, period: 30 })).toThrow(InvalidMetricDataError);
  });
});

describe('MetricStore gauges', () => {
  const depth: MetricKey = { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: [{ Name: 'QueueName', Value: 'q-dlq' }] };

  it('keeps the latest reading of each minute, so Sum and SampleCount count one value a minute, when a gauge is read several times a minute', () => {
    const { store, at } = setup();

    at(5_000);
    store.sample(depth, 3);
    at(40_000);
    store.sample(depth, 1);
    at(MINUTE + 10_000);
    store.sample(depth, 2);

    const [point] = store.statistics(depth, { ...wholeHour, period: 120 });

    expect(point).toMatchObject({ SampleCount: 2, Sum: 3, Minimum: 1, Maximum: 2 });
  });

  it('refuses to record one metric both as events and as a gauge', () => {
    const { store } = setup();
    store.sample(depth, 1);

    expect(() => store.put(depth, 1)).toThrow(/gauge/);
  });
});

describe('MetricStore validation and retention', () => {
  it.each([
    ['a value that is not finite', () => setup().store.put(ERRORS, Number.NaN), /finite/],
    ['an unknown unit', () => setup().store.put(ERRORS, 1, { unit: 'Widgets' }), /unit Widgets/],
    ['a timestamp more than two hours ahead', () => setup().store.put(ERRORS, 1, { timestamp: START + 3 * 60 * MINUTE }), /future/],
    ['a dimension given twice', () => setup().store.put({ ...ERRORS, Dimensions: [{ Name: 'a', Value: '1' }, { Name: 'a', Value: '2' }] }, 1), /twice/],
    ['a dimension without a value', () => setup().store.put({ ...ERRORS, Dimensions: [{ Name: 'a', Value: '' }] }, 1), /value/],
  ])('throws InvalidMetricDataError for %s', (_case, put, message) => {
    expect(put).toThrow(InvalidMetricDataError);
    expect(put).toThrow(message);
  });

  it('records none of the values of a put when one of them is refused', () => {
    const { store } = setup();

    expect(() => store.put(ERRORS, [1, Number.POSITIVE_INFINITY])).toThrow(InvalidMetricDataError);

    expect(store.statistics(ERRORS, { ...wholeHour, period: 60 })).toEqual([]);
  });

  it('drops minutes older than the retention, and metrics left without any, when it expires', () => {
    const { store, at } = setup({ retentionSeconds: 600 });
    store.put(ERRORS, 1, { timestamp: START });
    store.put(ERRORS, 2, { timestamp: START + 5 * MINUTE });

    at(11 * MINUTE);
    store.expire();
    const kept = store.statistics(ERRORS, { startTime: START - MINUTE, endTime: START + 20 * MINUTE, period: 60 }).map(({ Sum }) => Sum);
    at(30 * MINUTE);
    store.expire();

    expect(kept).toEqual([2]);
    expect(store.listMetrics()).toEqual([]);
  });

  it('keeps values longer when an alarm needs them', () => {
    const { store, at } = setup({ retentionSeconds: 600 });
    store.put(ERRORS, 1, { timestamp: START });

    store.retainFor(3600);
    at(30 * MINUTE);
    store.expire();

    expect(store.statistics(ERRORS, { ...wholeHour, period: 60 }).map(({ Sum }) => Sum)).toEqual([1]);
  });
});
