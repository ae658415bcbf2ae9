import { InvalidEmbeddedMetricsError, parseEmbeddedMetrics } from '../../../../local/cloudwatch/embeddedMetrics';

const TIMESTAMP = Date.UTC(2026, 11, 8, 10, 15, 3);

/** An EMF document as Powertools Metrics prints it, with the given directive and root members. */
const emf = (directives: unknown[], members: Record<string, unknown>): string =>
  JSON.stringify({ _aws: { Timestamp: TIMESTAMP, CloudWatchMetrics: directives }, ...members });

describe('parseEmbeddedMetrics', () => {
  it('reads each metric of a directive with its dimensions, unit and timestamp when a line is Powertools Metrics output', () => {
    const line = emf(
      [{ Namespace: 'Ordering', Dimensions: [['service', 'stage']], Metrics: [{ Name: 'IncompleteOrders', Unit: 'Count' }, { Name: 'CompensationOwed', Unit: 'Count' }] }],
      { service: 'order', stage: 'dev', IncompleteOrders: 3, CompensationOwed: 0, function_name: 'ordering-order-dev-reportIncompleteOrders' },
    );

    const metrics = parseEmbeddedMetrics(line);

    const dimensions = [{ Name: 'service', Value: 'order' }, { Name: 'stage', Value: 'dev' }];
    expect(metrics).toEqual([
      { metric: { Namespace: 'Ordering', MetricName: 'IncompleteOrders', Dimensions: dimensions }, values: [3], unit: 'Count', timestamp: TIMESTAMP },
      { metric: { Namespace: 'Ordering', MetricName: 'CompensationOwed', Dimensions: dimensions }, values: [0], unit: 'Count', timestamp: TIMESTAMP },
    ]);
  });

  it('publishes every metric once per dimension set when a directive declares several', () => {
    const line = emf([{ Namespace: 'Ordering', Dimensions: [['service'], ['service', 'stage']], Metrics: [{ Name: 'Late' }] }], { service: 'order', stage: 'dev', Late: 1 });

    const metrics = parseEmbeddedMetrics(line) ?? [];

    expect(metrics.map(({ metric }) => metric.Dimensions.map(({ Name }) => Name))).toEqual([['service'], ['service', 'stage']]);
    expect(metrics.map(({ unit }) => unit)).toEqual([undefined, undefined]);
  });

  it('reads a list of values as one sample each, and an empty dimension list as a metric without dimensions', () => {
    const line = emf([{ Namespace: 'Ordering', Dimensions: [], Metrics: [{ Name: 'Latency', Unit: 'Milliseconds' }] }], { Latency: [12, 30, 7] });

    expect(parseEmbeddedMetrics(line)).toEqual([{ metric: { Namespace: 'Ordering', MetricName: 'Latency', Dimensions: [] }, values: [12, 30, 7], unit: 'Milliseconds', timestamp: TIMESTAMP }]);
  });

  it('reads every directive when a document carries several namespaces', () => {
    const line = emf(
      [
        { Namespace: 'Ordering', Dimensions: [['service']], Metrics: [{ Name: 'A' }] },
        { Namespace: 'Billing', Dimensions: [['service']], Metrics: [{ Name: 'B' }] },
      ],
      { service: 'payment', A: 1, B: 2 },
    );

    expect((parseEmbeddedMetrics(line) ?? []).map(({ metric, values }) => `${metric.Namespace}/${metric.MetricName}=${values.join()}`)).toEqual(['Ordering/A=1', 'Billing/B=2']);
  });

  it.each([
    ['plain text', 'order ord_1 placed'],
    ['a Powertools Logger line', JSON.stringify({ level: 'INFO', message: 'order placed', service: 'order', timestamp: '2026-12-08T10:15:03.000Z' })],
    ['JSON that mentions _aws only in a value', JSON.stringify({ message: 'the "_aws" key' })],
    ['a line that only looks like JSON', '{"_aws": not json'],
  ])('returns undefined for %s', (_case, line) => {
    expect(parseEmbeddedMetrics(line)).toBeUndefined();
  });

  it.each([
    ['no timestamp', JSON.stringify({ _aws: { CloudWatchMetrics: [] } }), /_aws.Timestamp/],
    ['no directives', JSON.stringify({ _aws: { Timestamp: TIMESTAMP } }), /CloudWatchMetrics/],
    ['a directive without a namespace', emf([{ Dimensions: [], Metrics: [{ Name: 'A' }] }], { A: 1 }), /Namespace/],
    ['a metric without its value', emf([{ Namespace: 'Ordering', Dimensions: [], Metrics: [{ Name: 'A' }] }], {}), /metric A needs a number/],
    ['a metric whose value is text', emf([{ Namespace: 'Ordering', Dimensions: [], Metrics: [{ Name: 'A' }] }], { A: '1' }), /metric A needs a number/],
    ['a dimension without its member', emf([{ Namespace: 'Ordering', Dimensions: [['service']], Metrics: [{ Name: 'A' }] }], { A: 1 }), /dimension service/],
    ['a dimension whose member is a number', emf([{ Namespace: 'Ordering', Dimensions: [['shard']], Metrics: [{ Name: 'A' }] }], { shard: 3, A: 1 }), /dimension shard/],
    ['an unknown unit', emf([{ Namespace: 'Ordering', Dimensions: [], Metrics: [{ Name: 'A', Unit: 'Orders' }] }], { A: 1 }), /Unit "Orders"/],
    ['a storage resolution other than 1 or 60', emf([{ Namespace: 'Ordering', Dimensions: [], Metrics: [{ Name: 'A', StorageResolution: 5 }] }], { A: 1 }), /StorageResolution/],
    ['more than 30 dimensions in a set', emf([{ Namespace: 'Ordering', Dimensions: [Array.from({ length: 31 }, (_, i) => `d${i}`)], Metrics: [{ Name: 'A' }] }], { A: 1 }), /more than 30/],
  ])('throws InvalidEmbeddedMetricsError naming the problem when a document has %s', (_case, line, reason) => {
    expect(() => parseEmbeddedMetrics(line)).toThrow(InvalidEmbeddedMetricsError);
    expect(() => parseEmbeddedMetrics(line)).toThrow(reason);
  });
});
