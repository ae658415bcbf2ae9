/**
 * What a rule target receives instead of the whole event: `Input` (constant JSON), `InputPath` (one part of the
 * event) or `InputTransformer` (variables taken from the event by JSON path, substituted into a template).
 * Written from the EventBridge user guide, "Transforming target input" (predefined variables, the EC2 example
 * table, "Common issues with transforming input") and the PutTargets API reference.
 *
 * The substitution rules, in the guide's terms:
 * - A template is JSON when it is an object or array; otherwise it is a string template.
 * - In a JSON template a placeholder outside quotes becomes the value as JSON (a string gets its quotes), and a
 *   placeholder inside a quoted string becomes the bare value. EventBridge does not escape values taken by
 *   InputPathsMap, so neither does this: a value with a quote in it yields what AWS yields.
 * - In a string template every placeholder becomes the bare value; the template's own quotes stay in the output.
 * - A variable whose path is absent from the event is not created: it becomes the empty string (`""` outside
 *   quotes in a JSON template), as AWS delivers it.
 */

/** A target's input configuration is invalid or uses what the local cloud cannot do; `name` is the AWS code. */
export class TargetInputError extends Error {
  override readonly name = 'ValidationException';
}

export interface InputTransformerConfig {
  InputPathsMap?: Record<string, string>;
  InputTemplate: string;
}

/** The input settings of one PutTargets target. */
export interface TargetInputConfig {
  Id: string;
  Input?: string;
  InputPath?: string;
  InputTransformer?: InputTransformerConfig;
}

/** What the predefined variables resolve to for one delivery. */
export interface RenderContext {
  ruleArn: string;
  ruleName: string;
  /** ISO 8601, when EventBridge accepted the event. */
  ingestionTime: string;
}

/** The full event envelope EventBridge delivers (`detail-type`, `detail`, …). */
export type EventEnvelope = Readonly<Record<string, unknown>>;

/** Turns one matched event into the payload text a target receives. */
export type TargetInputRenderer = (event: EventEnvelope, context: RenderContext) => string;

type PathSegment = { readonly kind: 'field'; readonly name: string } | { readonly kind: 'index'; readonly index: number };

/** A parsed JSON path: `$`, `$.a.b`, `$.a[0].b`. */
export interface JsonPath {
  readonly text: string;
  readonly segments: readonly PathSegment[];
}

const PREDEFINED = new Set([
  'aws.events.rule-arn',
  'aws.events.rule-name',
  'aws.events.event',
  'aws.events.event.ingestion-time',
  'aws.events.event.json',
]);

/** AWS's limit on InputPathsMap entries. */
const MAX_VARIABLES = 100;

/**
 * Parses the JSON path subset EventBridge documents for input paths: `$`, dot notation (names may hold dashes,
 * underscores, slashes) and array indices. Wildcards and recursive descent are refused by name rather than
 * evaluated differently from AWS.
 *
 * @example
 * ```ts
 * parseJsonPath('$.detail.lines[0].sku');
 * ```
 */
export function parseJsonPath(text: string): JsonPath {
  if (!text.startsWith('$')) {
    throw new TargetInputError(`JSON path ${text} must start with $`);
  }
  if (text.includes('*') || text.includes('..')) {
    throw new TargetInputError(`JSON path ${text}: wildcards and recursive descent are not supported by the local cloud`);
  }
  const segments: PathSegment[] = [];
  let rest = text.slice(1);
  while (rest.length > 0) {
    const field = /^\.([^.[\]\s]+)/.exec(rest);
    const index = /^\[(\d+)\]/.exec(rest);
    if (field?.[1] !== undefined) {
      segments.push({ kind: 'field', name: field[1] });
      rest = rest.slice(field[0].length);
    } else if (index?.[1] !== undefined) {
      segments.push({ kind: 'index', index: Number(index[1]) });
      rest = rest.slice(index[0].length);
    } else {
      throw new TargetInputError(
        `JSON path ${text} is not supported by the local cloud near "${rest}" (dot notation and array indices only)`,
      );
    }
  }
  return { text, segments };
}

/** The value a JSON path selects, or `undefined` when the event has nothing there. */
export function evaluateJsonPath(path: JsonPath, value: unknown): unknown {
  let current = value;
  for (const segment of path.segments) {
    if (segment.kind === 'field') {
      if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
      current = (current as Record<string, unknown>)[segment.name];
    } else {
      if (!Array.isArray(current)) return undefined;
      current = current[segment.index];
    }
    if (current === undefined) return undefined;
  }
  return current;
}

/**
 * Validates a target's input settings the way PutTargets does and returns the function that renders its
 * payload; throws {@link TargetInputError} with AWS's wording where AWS has one.
 *
 * @example
 * ```ts
 * const render = compileTargetInput({ Id: 'queue', InputPath: '$.detail' });
 * render(event, { ruleArn, ruleName, ingestionTime }); // '{"orderId":"o-1"}'
 * ```
 */
export function compileTargetInput(target: TargetInputConfig): TargetInputRenderer {
  const given = [target.Input, target.InputPath, target.InputTransformer].filter((setting) => setting !== undefined);
  if (given.length > 1) {
    throw new TargetInputError(`Only one of Input, InputPath, or InputTransformer must be provided for target ${target.Id}.`);
  }
  if (target.Input !== undefined) {
    const input = target.Input;
    try {
      JSON.parse(input);
    } catch {
      throw new TargetInputError(`Input for target ${target.Id} is not valid JSON.`);
    }
    return () => input;
  }
  if (target.InputPath !== undefined) {
    const path = parseJsonPath(target.InputPath);
    // AWS leaves undocumented what a path that selects nothing delivers; `null` keeps the payload valid JSON.
    return (event) => JSON.stringify(evaluateJsonPath(path, event) ?? null);
  }
  if (target.InputTransformer !== undefined) {
    return compileInputTransformer(target.Id, target.InputTransformer);
  }
  return (event) => JSON.stringify(event);
}

type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'variable'; readonly name: string; readonly quoted: boolean };

/** Validates an InputTransformer (its variables and the placeholders its template uses) and compiles it. */
export function compileInputTransformer(targetId: string, transformer: InputTransformerConfig): TargetInputRenderer {
  const pathsMap = transformer.InputPathsMap ?? {};
  const names = Object.keys(pathsMap);
  if (names.length > MAX_VARIABLES) {
    throw new TargetInputError(`InputPathsMap for target ${targetId} has ${names.length} entries; at most ${MAX_VARIABLES} are allowed.`);
  }
  const paths = new Map<string, JsonPath>();
  for (const [name, path] of Object.entries(pathsMap)) {
    if (PREDEFINED.has(name) || name.toLowerCase().startsWith('aws.')) {
      throw new TargetInputError(`InputPathsMap for target ${targetId} uses the reserved variable name ${name}.`);
    }
    paths.set(name, parseJsonPath(path));
  }
  const parts = parseTemplate(transformer.InputTemplate);
  for (const part of parts) {
    if (part.kind === 'variable' && !paths.has(part.name) && !PREDEFINED.has(part.name)) {
      throw new TargetInputError(`InputTemplate for target ${targetId} contains invalid placeholder ${part.name}.`);
    }
  }
  return (event, context) => {
    const values = new Map<string, unknown>();
    for (const [name, path] of paths) values.set(name, evaluateJsonPath(path, event));
    return parts
      .map((part) => (part.kind === 'text' ? part.text : substitute(part, values, event, context)))
      .join('');
  };
}

/**
 * Splits a template into text and placeholders, noting for each placeholder of a JSON template whether it sits
 * inside a quoted string. String templates substitute bare values everywhere, so they count as all quoted.
 */
function parseTemplate(template: string): TemplatePart[] {
  const trimmed = template.trimStart();
  const isJson = trimmed.startsWith('{') || trimmed.startsWith('[');
  const parts: TemplatePart[] = [];
  let text = '';
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const char = template.charAt(i);
    if (char === '<') {
      const placeholder = /^<([^<>\s"]+)>/.exec(template.slice(i));
      if (placeholder?.[1] !== undefined) {
        if (text) parts.push({ kind: 'text', text });
        text = '';
        parts.push({ kind: 'variable', name: placeholder[1], quoted: !isJson || inString });
        i += placeholder[0].length - 1;
        continue;
      }
    }
    if (inString && char === '\\') {
      text += char + template.charAt(i + 1);
      i++;
      continue;
    }
    if (char === '"') inString = !inString;
    text += char;
  }
  if (text) parts.push({ kind: 'text', text });
  return parts;
}

function substitute(
  part: { name: string; quoted: boolean },
  values: ReadonlyMap<string, unknown>,
  event: EventEnvelope,
  context: RenderContext,
): string {
  const value = values.has(part.name) ? values.get(part.name) : predefined(part.name, event, context);
  if (value === undefined) return part.quoted ? '' : '""';
  if (part.quoted && typeof value === 'string') return value;
  return JSON.stringify(value);
}

function predefined(name: string, event: EventEnvelope, context: RenderContext): unknown {
  switch (name) {
    case 'aws.events.rule-arn':
      return context.ruleArn;
    case 'aws.events.rule-name':
      return context.ruleName;
    case 'aws.events.event.ingestion-time':
      return context.ingestionTime;
    case 'aws.events.event.json':
      return event;
    case 'aws.events.event':
      return eventWithoutDetail(event);
    default:
      return undefined;
  }
}

/**
 * `<aws.events.event>` is the event without its `detail`; AWS spells `detail-type` as `detailType` there
 * (recorded against AWS in LocalStack's snapshot tests), unlike in `<aws.events.event.json>`.
 */
function eventWithoutDetail(event: EventEnvelope): Record<string, unknown> {
  return {
    id: event.id,
    account: event.account,
    detailType: event['detail-type'],
    time: event.time,
    source: event.source,
    region: event.region,
    resources: event.resources,
    version: event.version,
  };
}
