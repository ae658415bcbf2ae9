import { UNITS, type Dimension, type MetricKey } from './metricStore';

/** One metric an EMF document carries, for one of its dimension sets. */
export interface EmbeddedMetric {
  metric: MetricKey;
  /** A root member may hold one value or a list of them; each is a sample. */
  values: number[];
  unit: string | undefined;
  /** `_aws.Timestamp`, epoch milliseconds. */
  timestamp: number;
}

/** A log line that is an EMF document (a JSON object with `_aws`) but breaks the specification. */
export class InvalidEmbeddedMetricsError extends Error {
  override readonly name = 'InvalidEmbeddedMetricsError';
}

/** The specification's limits. */
const MAX_DIMENSIONS_PER_SET = 30;
const MAX_METRICS_PER_DIRECTIVE = 100;
const MAX_VALUES_PER_METRIC = 100;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The metrics of one log line written in CloudWatch Embedded Metric Format (what Powertools Metrics prints),
 * one entry per metric and dimension set: a directive with `Dimensions: [["service"], ["service", "stage"]]`
 * publishes each metric twice, once per set, as CloudWatch Logs does. Returns undefined for a line that is
 * not an EMF document (plain text, JSON without `_aws`): most log lines. Throws
 * {@link InvalidEmbeddedMetricsError} naming what is wrong with one that is, so the author hears why no
 * metric appeared; CloudWatch Logs would keep such a line as a log event and publish nothing.
 *
 * @example
 * ```ts
 * parseEmbeddedMetrics('{"_aws":{"Timestamp":1765000000000,"CloudWatchMetrics":[{"Namespace":"Ordering",' +
 *   '"Dimensions":[["service"]],"Metrics":[{"Name":"IncompleteOrders","Unit":"Count"}]}]},"service":"order","IncompleteOrders":2}');
 * // [{ metric: { Namespace: 'Ordering', MetricName: 'IncompleteOrders', Dimensions: [{ Name: 'service', Value: 'order' }] },
 * //    values: [2], unit: 'Count', timestamp: 1765000000000 }]
 * ```
 */
export const parseEmbeddedMetrics = (line: string): EmbeddedMetric[] | undefined => {
  // Cheap tests first: this runs on every line every function prints.
  const text = line.trim();
  if (!text.startsWith('{') || !text.includes('"_aws"')) return undefined;
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(document) || !('_aws' in document)) return undefined;

  const metadata = document._aws;
  if (!isObject(metadata)) throw invalid('_aws must be an object');
  const timestamp = metadata.Timestamp;
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) throw invalid('_aws.Timestamp must be a number (epoch milliseconds)');
  const directives = metadata.CloudWatchMetrics;
  if (!Array.isArray(directives)) throw invalid('_aws.CloudWatchMetrics must be a list of metric directives');

  return directives.flatMap((directive: unknown, index) => parseDirective(document, directive, `_aws.CloudWatchMetrics[${index}]`, timestamp));
};

const parseDirective = (document: Json, directive: unknown, path: string, timestamp: number): EmbeddedMetric[] => {
  if (!isObject(directive)) throw invalid(`${path} must be an object`);
  const { Namespace, Dimensions, Metrics } = directive;
  if (typeof Namespace !== 'string' || Namespace === '' || Namespace.startsWith(':')) throw invalid(`${path}.Namespace must be a non-empty string`);
  if (!Array.isArray(Dimensions)) throw invalid(`${path}.Dimensions must be a list of dimension sets`);
  if (!Array.isArray(Metrics) || Metrics.length === 0) throw invalid(`${path}.Metrics must be a non-empty list`);
  if (Metrics.length > MAX_METRICS_PER_DIRECTIVE) throw invalid(`${path}.Metrics holds more than ${MAX_METRICS_PER_DIRECTIVE} metrics`);

  // An empty Dimensions list publishes the metrics without dimensions.
  const dimensionSets = Dimensions.length === 0 ? [[]] : Dimensions.map((set: unknown, i) => dimensionSet(document, set, `${path}.Dimensions[${i}]`));
  return Metrics.flatMap((definition: unknown, i) => {
    const where = `${path}.Metrics[${i}]`;
    if (!isObject(definition) || typeof definition.Name !== 'string' || definition.Name === '') throw invalid(`${where}.Name must be a non-empty string`);
    const { Name, Unit, StorageResolution } = definition;
    if (Unit !== undefined && (typeof Unit !== 'string' || !UNITS.includes(Unit))) throw invalid(`${where}.Unit ${JSON.stringify(Unit)} is not a CloudWatch unit`);
    if (StorageResolution !== undefined && StorageResolution !== 1 && StorageResolution !== 60) throw invalid(`${where}.StorageResolution must be 1 or 60`);
    const values = valuesOf(document[Name], Name);
    return dimensionSets.map((Dimensions) => ({ metric: { Namespace, MetricName: Name, Dimensions }, values, unit: Unit, timestamp }));
  });
};

const dimensionSet = (document: Json, set: unknown, path: string): Dimension[] => {
  if (!Array.isArray(set) || !set.every((name): name is string => typeof name === 'string')) throw invalid(`${path} must be a list of member names`);
  if (set.length > MAX_DIMENSIONS_PER_SET) throw invalid(`${path} holds more than ${MAX_DIMENSIONS_PER_SET} dimensions`);
  return set.map((Name) => {
    const Value = document[Name];
    if (typeof Value !== 'string' || Value === '') throw invalid(`dimension ${Name} (${path}) needs a non-empty string member ${Name} at the root`);
    return { Name, Value };
  });
};

const valuesOf = (member: unknown, name: string): number[] => {
  const values = Array.isArray(member) ? (member as unknown[]) : [member];
  if (member === undefined || !values.every((value): value is number => typeof value === 'number' && Number.isFinite(value))) {
    throw invalid(`metric ${name} needs a number, or a list of numbers, in the root member ${name}`);
  }
  if (values.length > MAX_VALUES_PER_METRIC) throw invalid(`metric ${name} holds more than ${MAX_VALUES_PER_METRIC} values`);
  return values;
};

const invalid = (reason: string) => new InvalidEmbeddedMetricsError(`not extracted as Embedded Metric Format: ${reason}`);
