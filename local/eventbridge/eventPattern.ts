/**
 * Amazon EventBridge event patterns for the local cloud: validation (PutRule / TestEventPattern) and matching
 * (rule evaluation on PutEvents), written from the EventBridge user guide ("Event patterns", "Arrays in event
 * patterns", "Matching null values and empty strings", "Content filtering"/"Comparison operators") and from the
 * documented behaviour of AWS Event Ruler, the open-source engine EventBridge runs (its README).
 *
 * The model, in the terms AWS uses:
 * - A pattern is a JSON object. Nested objects name nested event fields; a field's value is an array of
 *   alternatives (OR); all fields must hold (AND). `$or` forks the pattern into alternative sub-patterns.
 * - Both pattern and event are "flattened": a field is addressed by its dot-joined path, so
 *   `{"a": {"b": ...}}` and `{"a.b": ...}` name the same field, in the pattern as in the event.
 * - Arrays in the event are transparent: every element (recursively, objects included) is a value of the
 *   field the array sits in; a field matches when any of its values does. Fields matched inside objects must
 *   come from the same element of any array they share ("array-consistent" matching).
 * - Operators apply to leaf values only (strings, numbers, booleans, null); an object is not a value.
 */

// ---------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------

/**
 * A pattern EventBridge would refuse. `name` is the AWS error code, so an AWS-compatible endpoint can return
 * it as is; the first line of `message` is AWS's own wording (`Event pattern is not valid. Reason: ...`), the
 * second names the pattern field at fault.
 */
export class InvalidEventPatternError extends Error {
  override readonly name = 'InvalidEventPatternException';

  constructor(
    /** AWS's reason text, without the prefix, e.g. `prefix match pattern must be a string`. */
    readonly reason: string,
    /** Dot-joined path of the offending pattern field, when there is one. */
    readonly field?: string,
  ) {
    super(`Event pattern is not valid. Reason: ${reason}${field === undefined ? '' : `\n at field "${field}"`}`);
  }
}

function invalid(reason: string, field?: string): never {
  throw new InvalidEventPatternError(reason, field);
}

// ---------------------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------------------

type JsonPrimitive = string | number | boolean | null;
type JsonObject = { [key: string]: unknown };

/** A validated pattern, ready to match many events. Build it with {@link parseEventPattern}. */
export class CompiledPattern {
  /** @internal Use {@link parseEventPattern}. */
  constructor(
    /** The pattern as JSON (a detached copy of what was given). */
    readonly source: Readonly<JsonObject>,
    /** The alternative sub-patterns `$or` expands to; one entry when the pattern has no `$or`. */
    private readonly branches: readonly Branch[],
  ) {}

  /** @internal */
  matches(event: unknown): boolean {
    return this.matchesFields(flattenEvent(event));
  }

  /** @internal */
  matchesFields(fields: ReadonlyMap<string, readonly Leaf[]>): boolean {
    return this.branches.some((branch) => branchMatches(branch, fields));
  }
}

/** Validates and compiles a pattern given as JSON text or as a parsed object; throws {@link InvalidEventPatternError}. */
export function parseEventPattern(pattern: string | object): CompiledPattern {
  const source = toJson(pattern);
  if (!isJsonObject(source)) {
    invalid('Filter is not an object');
  }
  const branches = compileBranches(source);
  rejectComplexWildcards(branches);
  return new CompiledPattern(source, branches);
}

/** Whether `event` (a full envelope: version, id, detail-type, source, account, time, region, resources, detail) matches. */
export function matchesEventPattern(pattern: CompiledPattern | string | object, event: object): boolean {
  return compiled(pattern).matches(event);
}

/**
 * Matches one event against many patterns (every rule of a bus), reading the event once rather than once
 * per pattern.
 */
export function eventMatcher(event: object): (pattern: CompiledPattern | string | object) => boolean {
  const fields = flattenEvent(event);
  return (pattern) => compiled(pattern).matchesFields(fields);
}

const compiledByText = new Map<string, CompiledPattern>();
const TEXT_CACHE_LIMIT = 500;

/** Rules are stored as text and matched against every event on the bus, so compiled text patterns are kept. */
function compiled(pattern: CompiledPattern | string | object): CompiledPattern {
  if (pattern instanceof CompiledPattern) {
    return pattern;
  }
  if (typeof pattern !== 'string') {
    return parseEventPattern(pattern);
  }
  let hit = compiledByText.get(pattern);
  if (hit === undefined) {
    hit = parseEventPattern(pattern);
    if (compiledByText.size >= TEXT_CACHE_LIMIT) {
      compiledByText.clear();
    }
    compiledByText.set(pattern, hit);
  }
  return hit;
}

/**
 * EventBridge receives patterns as JSON text, so an object is taken as the JSON it serialises to (undefined
 * members vanish, as they would on the wire). For duplicate keys in text, JSON.parse keeps the last one, which
 * is the documented rule ("if you include a key more than once the last reference will be the one used").
 */
function toJson(pattern: string | object): unknown {
  try {
    const text = typeof pattern === 'string' ? pattern : (JSON.stringify(pattern) as string | undefined);
    return JSON.parse(text ?? 'null') as unknown;
  } catch (error) {
    return invalid(error instanceof Error ? error.message : 'Pattern is not valid JSON');
  }
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------------------
// Compiled form
// ---------------------------------------------------------------------------------------------------------

/** One `$or` alternative: every field path it names, with the alternatives (OR) for that field. */
type Branch = ReadonlyMap<string, readonly Matcher[]>;
type BranchDraft = Map<string, readonly Matcher[]>;

const emptyBranch = (): BranchDraft => new Map<string, readonly Matcher[]>();

/** A test on one leaf value of the event, or (`exists`) on whether the field has any leaf value. */
type Matcher =
  | { readonly kind: 'exactString'; readonly value: string; readonly ip: IpAddress | undefined }
  | { readonly kind: 'exactNumber'; readonly value: number; readonly key: number | undefined }
  | { readonly kind: 'exactLiteral'; readonly value: boolean | null }
  | { readonly kind: 'prefix'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: 'suffix'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: 'equalsIgnoreCase'; readonly value: string }
  | { readonly kind: 'wildcard'; readonly source: string; readonly glob: Glob }
  | { readonly kind: 'numeric'; readonly range: NumericRange }
  | { readonly kind: 'cidr'; readonly range: IpRange }
  | { readonly kind: 'exists'; readonly present: boolean }
  | { readonly kind: 'anythingBut'; readonly excluded: readonly Matcher[] };

// ---------------------------------------------------------------------------------------------------------
// Pattern structure: objects, $or, leaf arrays
// ---------------------------------------------------------------------------------------------------------

/**
 * Field names Event Ruler reserves inside `$or` (operator names and a few kept for future operators): inside an
 * `$or` alternative a field with one of these names is ambiguous with an operator, so it is refused there.
 */
const RESERVED_INSIDE_OR = new Set([
  'exactly', 'equals-ignore-case', 'prefix', 'suffix', 'anything-but', 'exists', 'wildcard', 'numeric', 'cidr',
  '=', '<', '<=', '>', '>=', 'regex', 'not-wildcard', 'not-equals-ignore-case', 'date-after', 'date-on-or-after',
  'date-before', 'date-on-or-before', 'in-date-range', 'ip-address-in-range', 'ip-address-not-in-range',
]);

const joinPath = (prefix: string | undefined, key: string): string => (prefix === undefined ? key : `${prefix}.${key}`);

/**
 * Event Ruler compiles a pattern with its `$or`-aware compiler and, when that refuses it, once more with its
 * original compiler, for which `$or` is an ordinary field name (the README's "backward compatibility of using
 * $or as field name"): `{"$or": {"a": ["x"]}}` is a valid pattern on the field `$or.a`. When both refuse the
 * pattern, the `$or`-aware reason is reported, being the one that explains a misused `$or`.
 */
function compileBranches(source: JsonObject): Branch[] {
  try {
    return compileObject(source, undefined, [], { orAware: true, insideOr: false });
  } catch (error) {
    if (!(error instanceof InvalidEventPatternError) || !mentionsOr(source)) {
      throw error;
    }
    try {
      return compileObject(source, undefined, [], { orAware: false, insideOr: false });
    } catch {
      throw error;
    }
  }
}

/** Whether `$or` names a field anywhere: only then can the original compiler read the pattern differently. */
function mentionsOr(object: JsonObject): boolean {
  return Object.entries(object).some(([key, value]) => key === '$or' || (isJsonObject(value) && mentionsOr(value)));
}

interface CompileMode {
  /** Whether `$or` is the operator (the current compiler) or a field name (the original one). */
  readonly orAware: boolean;
  readonly insideOr: boolean;
}

/**
 * `$or` multiplies alternatives, and AWS refuses patterns that expand too far. The user guide gives no figure;
 * 1000 combinations is the limit reported for AWS elsewhere, and it keeps the expansion bounded here.
 */
const MAX_OR_COMBINATIONS = 1000;

/**
 * Walks an object of the pattern in document order, extending every current branch. Nested objects descend
 * (their path is dot-joined, which is why `{"a": {"b": ...}}` equals `{"a.b": ...}`); arrays are the values to
 * match; anything else is refused, as AWS refuses `{"source": "aws.ec2"}`. An empty object matches nothing and
 * is refused. A path set twice keeps the later definition, the documented rule for repeated keys.
 */
function compileObject(
  object: JsonObject,
  prefix: string | undefined,
  branches: BranchDraft[],
  mode: CompileMode,
): BranchDraft[] {
  const keys = Object.keys(object);
  if (keys.length === 0) {
    invalid('Empty objects are not allowed', prefix);
  }
  let current = branches;
  for (const key of keys) {
    const value = object[key];
    if (key === '$or' && mode.orAware) {
      current = compileOr(value, prefix, current);
      continue;
    }
    const path = joinPath(prefix, key);
    if (mode.insideOr && RESERVED_INSIDE_OR.has(key)) {
      invalid(`${key} is Ruler reserved fieldName which cannot be used inside $or.`, path);
    }
    if (isJsonObject(value)) {
      current = compileObject(value, path, current, mode);
    } else if (Array.isArray(value)) {
      const matchers = compileValues(value, path);
      current = (current.length === 0 ? [emptyBranch()] : current).map((branch) => new Map(branch).set(path, matchers));
    } else {
      invalid(`"${key}" must be an object or an array`, path);
    }
  }
  return current;
}

/**
 * `$or` takes an array of at least two objects; each object is an alternative that inherits the fields around
 * it (AND). `$or` itself is not a path step: `{"detail": {"$or": [{"a": ...}, ...]}}` tests `detail.a`.
 */
function compileOr(value: unknown, prefix: string | undefined, branches: BranchDraft[]): BranchDraft[] {
  const field = joinPath(prefix, '$or');
  if (!Array.isArray(value)) {
    invalid('It must be an Array followed with $or.', field);
  }
  const alternatives: BranchDraft[] = [];
  for (const alternative of value) {
    if (!isJsonObject(alternative)) {
      invalid('Only JSON object is allowed in array of $or relationship.', field);
    }
    const start: BranchDraft[] = branches.length === 0 ? [emptyBranch()] : branches.map((branch) => new Map(branch));
    alternatives.push(...compileObject(alternative, prefix, start, { orAware: true, insideOr: true }));
    if (alternatives.length > MAX_OR_COMBINATIONS) {
      invalid(`Event pattern contains more than ${MAX_OR_COMBINATIONS} rule combinations`, field);
    }
  }
  if (value.length < 2) {
    invalid('There must have at least 2 Objects in $or relationship.', field);
  }
  return alternatives;
}

/** The array under a field: literal JSON values to equal, and operator objects. An empty array is refused. */
function compileValues(values: readonly unknown[], field: string): Matcher[] {
  const matchers = values.map((value) => compileValue(value, field));
  if (matchers.length === 0) {
    invalid('Empty arrays are not allowed', field);
  }
  return matchers;
}

function compileValue(value: unknown, field: string): Matcher {
  if (isJsonObject(value)) {
    return compileOperator(value, field);
  }
  if (typeof value === 'string') {
    return exactString(value, true);
  }
  if (typeof value === 'number') {
    return exactNumber(value);
  }
  if (typeof value === 'boolean' || value === null) {
    return { kind: 'exactLiteral', value };
  }
  return invalid('Match value must be String, number, true, false, or null', field);
}

/**
 * A literal string matches only that exact string ("exact character-by-character matching without
 * case-folding"). Event Ruler compiles a string that is an IP address literal into a one-address range, so
 * `"10.0.0.1"` also matches other spellings of the same address; anything-but lists do not get this.
 */
function exactString(value: string, asIp: boolean): Matcher {
  return { kind: 'exactString', value, ip: asIp ? parseIpLiteral(value) : undefined };
}

/**
 * A literal number matches an equal JSON number: AWS compares numbers by value (300 matches 300.0), to six
 * decimal places within the numeric range, and by exact value outside it.
 */
function exactNumber(value: number): Matcher {
  return { kind: 'exactNumber', value, key: comparableNumber(value) };
}

// ---------------------------------------------------------------------------------------------------------
// Operators
// ---------------------------------------------------------------------------------------------------------

type OperatorCompiler = (operand: unknown, keys: readonly string[], field: string) => Matcher;

/** Operator names are case-sensitive (`NUMERIC` and `EXISTS` are refused by AWS). */
const OPERATORS: Readonly<Record<string, OperatorCompiler>> = {
  prefix: compilePrefix,
  suffix: compileSuffix,
  'equals-ignore-case': compileEqualsIgnoreCase,
  wildcard: compileWildcard,
  numeric: compileNumeric,
  exists: compileExists,
  cidr: compileCidr,
  'anything-but': compileAnythingBut,
};

/**
 * An operator object has exactly one key, the operator. `exactly` (an Event Ruler extension) is not in the
 * EventBridge documentation, so it is refused like any other unknown operator.
 */
function compileOperator(expression: JsonObject, field: string): Matcher {
  const keys = Object.keys(expression);
  const name = keys[0];
  if (name === undefined) {
    return invalid('Match expression name not found', field);
  }
  const compile = Object.hasOwn(OPERATORS, name) ? OPERATORS[name] : undefined;
  if (compile === undefined) {
    return invalid(`Unrecognized match type ${name}`, field);
  }
  return compile(expression[name], keys, field);
}

function onlyOneKey(keys: readonly string[], field: string, reason = 'Only one key allowed in match expression'): void {
  if (keys.length > 1) {
    invalid(reason, field);
  }
}

/** AWS reports extra keys after numeric and anything-but operands with this (odd but exact) reason. */
const TOO_MANY_ELEMENTS = 'Too many elements in numeric expression';

/**
 * `{"prefix": "..."}` matches strings that start with the text; `{"prefix": {"equals-ignore-case": "..."}}`
 * does so regardless of case. Prefixes only apply to string values.
 */
function compilePrefix(operand: unknown, keys: readonly string[], field: string): Matcher {
  const { value, ignoreCase } = affixOperand(operand, 'prefix', field);
  onlyOneKey(keys, field);
  return { kind: 'prefix', value, ignoreCase };
}

/** Suffix matching mirrors prefix matching, from the end of the string. */
function compileSuffix(operand: unknown, keys: readonly string[], field: string): Matcher {
  const { value, ignoreCase } = affixOperand(operand, 'suffix', field);
  onlyOneKey(keys, field);
  return { kind: 'suffix', value, ignoreCase };
}

function affixOperand(operand: unknown, operator: 'prefix' | 'suffix', field: string): { value: string; ignoreCase: boolean } {
  if (typeof operand === 'string') {
    return { value: operand, ignoreCase: false };
  }
  if (!isJsonObject(operand)) {
    return invalid(`${operator} match pattern must be a string`, field);
  }
  const innerKeys = Object.keys(operand);
  const inner = innerKeys[0];
  const label = operator === 'prefix' ? 'Prefix' : 'Suffix';
  if (inner === undefined) {
    return invalid(`${label} expression name not found`, field);
  }
  if (inner !== 'equals-ignore-case') {
    return invalid(`Unsupported ${operator} pattern: ${inner}`, field);
  }
  const value = operand[inner];
  if (typeof value !== 'string') {
    return invalid('equals-ignore-case match pattern must be a string', field);
  }
  onlyOneKey(innerKeys, field);
  return { value, ignoreCase: true };
}

/** `equals-ignore-case` takes one string and matches string values equal to it regardless of case. */
function compileEqualsIgnoreCase(operand: unknown, keys: readonly string[], field: string): Matcher {
  if (typeof operand !== 'string') {
    invalid('equals-ignore-case match pattern must be a string', field);
  }
  onlyOneKey(keys, field);
  return { kind: 'equalsIgnoreCase', value: operand };
}

/** `wildcard` takes one string; `*` matches any run of characters (see {@link parseGlob} for escapes). */
function compileWildcard(operand: unknown, keys: readonly string[], field: string): Matcher {
  if (typeof operand !== 'string') {
    invalid('wildcard match pattern must be a string', field);
  }
  const glob = parseGlob(operand, field);
  onlyOneKey(keys, field);
  return { kind: 'wildcard', source: operand, glob };
}

/**
 * `exists: true` matches when the field has a leaf value (null included); `exists: false` when it has none.
 * "Exists matching only works on leaf nodes": a field holding an object or an empty array does not exist.
 */
function compileExists(operand: unknown, keys: readonly string[], field: string): Matcher {
  if (typeof operand !== 'boolean') {
    invalid('exists match pattern must be either true or false.', field);
  }
  onlyOneKey(keys, field);
  return { kind: 'exists', present: operand };
}

/**
 * `cidr` matches string values that are IPv4 or IPv6 addresses inside the block. AWS reports a non-string
 * operand with the prefix wording, and checks the mask before the address.
 */
function compileCidr(operand: unknown, keys: readonly string[], field: string): Matcher {
  if (typeof operand !== 'string') {
    invalid('prefix match pattern must be a string', field);
  }
  const range = parseCidr(operand, field);
  onlyOneKey(keys, field);
  return { kind: 'cidr', range };
}

// --- numeric ---------------------------------------------------------------------------------------------

/**
 * Numbers are compared as Event Ruler does: within -5e9..+5e9 inclusive, at six digits after the decimal point
 * (the value is shifted to be non-negative, scaled by 1e6 and truncated). Outside that range a number has no
 * comparable form: numeric operators never match it, and a literal in a pattern there is refused.
 */
const NUMERIC_LIMIT = 5e9;

function comparableNumber(value: number): number | undefined {
  if (!Number.isFinite(value) || value < -NUMERIC_LIMIT || value > NUMERIC_LIMIT) {
    return undefined;
  }
  return Math.trunc(1e6 * (NUMERIC_LIMIT + value));
}

function requireComparable(value: number, field: string): number {
  const key = comparableNumber(value);
  if (key === undefined) {
    return invalid('Value must be between -5.0E9 and 5.0E9, inclusive', field);
  }
  return key;
}

const NUMERIC_MIN_KEY = comparableNumber(-NUMERIC_LIMIT) as number;
const NUMERIC_MAX_KEY = comparableNumber(NUMERIC_LIMIT) as number;

interface NumericRange {
  readonly bottom: number;
  readonly openBottom: boolean;
  readonly top: number;
  readonly openTop: boolean;
}

const NUMERIC_OPERATORS = new Set(['=', '<', '<=', '>', '>=']);

/** How the JSON parser AWS uses prints a token in its messages (`]` is the end of the array). */
function tokenText(value: unknown): string {
  if (value === undefined) {
    return ']';
  }
  if (Array.isArray(value)) {
    return '[';
  }
  if (isJsonObject(value)) {
    return '{';
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * `numeric` takes `[op, n]` with op one of `=`, `<`, `<=`, `>`, `>=`, or a range `[">" | ">=", low, "<" | "<=",
 * high]` whose lower bound comes first and is below the upper one. It matches JSON numbers only: the string
 * "5" is not a number.
 */
function compileNumeric(operand: unknown, keys: readonly string[], field: string): Matcher {
  if (!Array.isArray(operand)) {
    invalid('Value of numeric must be an array.', field);
  }
  const range = numericRange(operand, field);
  onlyOneKey(keys, field, TOO_MANY_ELEMENTS);
  return { kind: 'numeric', range };
}

function numericRange(terms: readonly unknown[], field: string): NumericRange {
  const [operator, operand] = terms;
  if (typeof operator !== 'string') {
    return invalid(`Invalid member in numeric match: ${tokenText(operator)}`, field);
  }
  if (!NUMERIC_OPERATORS.has(operator)) {
    return invalid(`Unrecognized numeric range operator: ${operator}`, field);
  }
  if (typeof operand !== 'number') {
    return invalid(`Value of ${operator === '=' ? 'equals' : operator} must be numeric`, field);
  }
  if (operator === '>' || operator === '>=') {
    const openBottom = operator === '>';
    return terms.length === 2
      ? { bottom: requireComparable(operand, field), openBottom, top: NUMERIC_MAX_KEY, openTop: false }
      : closeNumericRange(terms, operand, openBottom, field);
  }
  if (terms.length > 2) {
    return invalid(TOO_MANY_ELEMENTS, field);
  }
  const key = requireComparable(operand, field);
  switch (operator) {
    case '=':
      return { bottom: key, openBottom: false, top: key, openTop: false };
    case '<':
      return { bottom: NUMERIC_MIN_KEY, openBottom: false, top: key, openTop: true };
    default:
      return { bottom: NUMERIC_MIN_KEY, openBottom: false, top: key, openTop: false };
  }
}

/** The second half of a range: only an upper bound (`<` or `<=`) may follow a lower one. */
function closeNumericRange(terms: readonly unknown[], low: number, openBottom: boolean, field: string): NumericRange {
  const operator = terms[2];
  if (typeof operator !== 'string') {
    return invalid(`Bad value in numeric range: ${tokenText(operator)}`, field);
  }
  if (operator !== '<' && operator !== '<=') {
    return invalid(`Bad numeric range operator: ${operator}`, field);
  }
  const high = terms[3];
  if (typeof high !== 'number') {
    return invalid(`Value of ${operator} must be numeric`, field);
  }
  if (terms.length > 4) {
    return invalid('Too many terms in numeric range expression', field);
  }
  const bottom = requireComparable(low, field);
  const top = requireComparable(high, field);
  if (bottom >= top) {
    return invalid('Bottom must be less than top', field);
  }
  return { bottom, openBottom, top, openTop: operator === '<' };
}

function inNumericRange(range: NumericRange, key: number): boolean {
  const aboveBottom = range.openBottom ? key > range.bottom : key >= range.bottom;
  const belowTop = range.openTop ? key < range.top : key <= range.top;
  return aboveBottom && belowTop;
}

// --- anything-but ----------------------------------------------------------------------------------------

type AnythingButVariant = 'equals-ignore-case' | 'prefix' | 'suffix' | 'wildcard';
const ANYTHING_BUT_VARIANTS = new Set<string>(['equals-ignore-case', 'prefix', 'suffix', 'wildcard']);

/**
 * `anything-but` matches a value the inner test rejects: a string, a number, a list of only strings or only
 * numbers, or one of `prefix`, `suffix`, `equals-ignore-case`, `wildcard` with a string or a list of strings.
 * It needs a value to judge: a missing field never matches, while null (not being the excluded value) does.
 * Other operators cannot be nested in it, anything-but included.
 */
function compileAnythingBut(operand: unknown, keys: readonly string[], field: string): Matcher {
  let variant: AnythingButVariant | undefined;
  let inner = operand;
  let innerKeys: readonly string[] = [];
  if (isJsonObject(operand)) {
    innerKeys = Object.keys(operand);
    const name = innerKeys[0];
    if (name === undefined) {
      return invalid('Anything-But expression name not found', field);
    }
    if (!ANYTHING_BUT_VARIANTS.has(name)) {
      return invalid(`Unsupported anything-but pattern: ${name}`, field);
    }
    variant = name as AnythingButVariant;
    inner = operand[name];
  }
  if (!Array.isArray(inner) && typeof inner !== 'string' && typeof inner !== 'number') {
    return invalid('Value of anything-but must be an array or single string/number value.', field);
  }
  const excluded =
    variant === undefined ? excludedValues(inner, field) : excludedVariantValues(variant, inner, field);
  onlyOneKey(innerKeys, field, TOO_MANY_ELEMENTS);
  onlyOneKey(keys, field, TOO_MANY_ELEMENTS);
  return { kind: 'anythingBut', excluded };
}

/** Plain anything-but: one string or number, or a list that is all strings or all numbers. */
function excludedValues(inner: readonly unknown[] | string | number, field: string): Matcher[] {
  if (!Array.isArray(inner)) {
    return [excludedValue(inner as string | number, field)];
  }
  const excluded = inner.map((value: unknown) => {
    if (typeof value !== 'string' && typeof value !== 'number') {
      return invalid('Inside anything but list, start|null|boolean is not supported.', field);
    }
    return excludedValue(value, field);
  });
  const strings = inner.filter((value) => typeof value === 'string').length;
  if (strings === 0 ? inner.length === 0 : strings !== inner.length) {
    invalid('Inside anything but list, either all values are number or string, mixed type is not supported', field);
  }
  return excluded;
}

function excludedValue(value: string | number, field: string): Matcher {
  if (typeof value === 'string') {
    return exactString(value, false);
  }
  return { kind: 'exactNumber', value, key: requireComparable(value, field) };
}

/** anything-but with `prefix`/`suffix`/`equals-ignore-case`/`wildcard`: strings only, empty affixes refused. */
function excludedVariantValues(
  variant: AnythingButVariant,
  inner: readonly unknown[] | string | number,
  field: string,
): Matcher[] {
  const texts = (Array.isArray(inner) ? inner : [inner]).map((value: unknown) => {
    if (typeof value !== 'string') {
      return invalid(anythingButTypeReason(variant), field);
    }
    if ((variant === 'prefix' || variant === 'suffix') && value === '') {
      return invalid('Null prefix/suffix not allowed', field);
    }
    return value;
  });
  return texts.map((text): Matcher => {
    switch (variant) {
      case 'prefix':
        return { kind: 'prefix', value: text, ignoreCase: false };
      case 'suffix':
        return { kind: 'suffix', value: text, ignoreCase: false };
      case 'equals-ignore-case':
        return { kind: 'equalsIgnoreCase', value: text };
      default:
        return { kind: 'wildcard', source: text, glob: parseGlob(text, field) };
    }
  });
}

function anythingButTypeReason(variant: AnythingButVariant): string {
  switch (variant) {
    case 'equals-ignore-case':
      return 'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.';
    case 'wildcard':
      return 'wildcard match pattern must be a string';
    default:
      return 'prefix/suffix match pattern must be a string';
  }
}

// ---------------------------------------------------------------------------------------------------------
// Wildcards
// ---------------------------------------------------------------------------------------------------------

/** A wildcard pattern as the literal runs between its `*`s (escapes resolved). */
interface Glob {
  readonly segments: readonly string[];
  /** Characters, with `null` for each `*`, for the complexity check. */
  readonly tokens: readonly (string | null)[];
}

/**
 * `*` matches zero or more characters; `\*` is a literal star and `\\` a literal backslash; any other escape
 * and two consecutive `*` are refused. AWS reports positions as UTF-8 byte offsets in the quoted string,
 * hence the `+ 1`.
 */
function parseGlob(text: string, field: string): Glob {
  const tokens: (string | null)[] = [];
  const chars = Array.from(text);
  let bytePosition = 1;
  for (let i = 0; i < chars.length; i += 1) {
    const char = chars[i] as string;
    const next = chars[i + 1];
    if (char === '*') {
      if (next === '*') {
        invalid(`Consecutive wildcard characters at pos ${bytePosition}`, field);
      }
      tokens.push(null);
    } else if (char === '\\') {
      if (next !== '*' && next !== '\\') {
        invalid(`Invalid escape character at pos ${bytePosition}`, field);
      }
      tokens.push(next);
      i += 1;
      bytePosition += 1;
    } else {
      tokens.push(char);
    }
    bytePosition += Buffer.byteLength(char, 'utf8');
  }
  const segments = [''];
  for (const token of tokens) {
    if (token === null) {
      segments.push('');
    } else {
      segments[segments.length - 1] = `${segments[segments.length - 1] ?? ''}${token}`;
    }
  }
  return { segments, tokens };
}

/** Classic glob matching: first run anchored at the start, last at the end, the others leftmost in order. */
function globMatches(glob: Glob, value: string): boolean {
  const { segments } = glob;
  const first = segments[0] as string;
  if (segments.length === 1) {
    return value === first;
  }
  const last = segments[segments.length - 1] as string;
  if (value.length < first.length + last.length || !value.startsWith(first) || !value.endsWith(last)) {
    return false;
  }
  let position = first.length;
  const end = value.length - last.length;
  for (const segment of segments.slice(1, -1)) {
    const found = value.indexOf(segment, position);
    if (found < 0 || found + segment.length > end) {
      return false;
    }
    position = found + segment.length;
  }
  return true;
}

/**
 * EventBridge refuses wildcard rules that are too costly to match. Its measure (Event Ruler's machine
 * complexity) is the most wildcard-pattern prefixes one input can keep alive at once, summed over the wildcard
 * patterns of a field. The limit is not documented: 10 is a round number consistent with every AWS outcome
 * found, accepted at 7 (`/Users/*\/dir/dir/dir/dir/dir/doc.txt`) and 9 (three `*:stack/NAME/*` on one field),
 * refused at 11 (`*:*:*:*:*:event-bus/*`) and 12 (four `*:stack/NAME/*`).
 */
const WILDCARD_COMPLEXITY_LIMIT = 10;

function rejectComplexWildcards(branches: readonly Branch[]): void {
  const globsByField = new Map<string, Map<string, Glob>>();
  for (const branch of branches) {
    for (const [field, matchers] of branch) {
      for (const matcher of matchers) {
        if (matcher.kind === 'wildcard') {
          const globs = globsByField.get(field) ?? new Map<string, Glob>();
          globs.set(matcher.source, matcher.glob);
          globsByField.set(field, globs);
        }
      }
    }
  }
  for (const [field, globs] of globsByField) {
    if (wildcardComplexity([...globs.values()]) >= WILDCARD_COMPLEXITY_LIMIT) {
      invalid(
        'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character',
        field,
      );
    }
  }
}

/**
 * Explores every input at once (a subset construction over all patterns' positions), counting live
 * non-empty prefixes. Position `i` means "the first i tokens are matched"; a `*` position stays live on any
 * character and is live as soon as the position before it is (the star may match nothing).
 */
function wildcardComplexity(globs: readonly Glob[]): number {
  const alphabet = new Set<string>();
  for (const glob of globs) {
    for (const token of glob.tokens) {
      if (token !== null) {
        alphabet.add(token);
      }
    }
  }
  alphabet.add('\u0000');
  const closure = (glob: Glob, live: Set<number>): number[] => {
    for (let i = 0; i < glob.tokens.length; i += 1) {
      if (live.has(i) && glob.tokens[i] === null) {
        live.add(i + 1);
      }
    }
    return [...live].sort((a, b) => a - b);
  };
  const start = globs.map((glob) => closure(glob, new Set([0])));
  const seen = new Set<string>();
  const queue: number[][][] = [start];
  let worst = 0;
  while (queue.length > 0 && seen.size < 20_000) {
    const state = queue.shift() as number[][];
    const id = JSON.stringify(state);
    if (seen.has(id)) {
      continue;
    }
    seen.add(id);
    worst = Math.max(worst, state.reduce((sum, live) => sum + live.filter((position) => position > 0).length, 0));
    if (worst >= WILDCARD_COMPLEXITY_LIMIT) {
      return worst;
    }
    for (const char of alphabet) {
      queue.push(
        globs.map((glob, index) => {
          const next = new Set<number>();
          for (const position of state[index] as number[]) {
            if (position > 0 && glob.tokens[position - 1] === null) {
              next.add(position);
            }
            const token = glob.tokens[position];
            if (token === char) {
              next.add(position + 1);
            }
          }
          return closure(glob, next);
        }),
      );
    }
  }
  return worst;
}

// ---------------------------------------------------------------------------------------------------------
// IP addresses and CIDR blocks
// ---------------------------------------------------------------------------------------------------------

/** An address as its 4 (IPv4) or 16 (IPv6) bytes. */
type IpAddress = readonly number[];

interface IpRange {
  readonly bottom: IpAddress;
  readonly top: IpAddress;
}

const IPV4_SHAPE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6_SHAPE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;

/**
 * Parses an IPv4 dotted quad or an IPv6 literal (`::` compression, no zone, no embedded dotted quad), the forms
 * Event Ruler recognises as addresses. An IPv4-mapped IPv6 address is the IPv4 address, as in Java.
 */
function parseIpLiteral(text: string): IpAddress | undefined {
  if (IPV4_SHAPE.test(text)) {
    const octets = text.split('.').map(Number);
    return octets.every((octet) => octet <= 255) ? octets : undefined;
  }
  if (!IPV6_SHAPE.test(text)) {
    return undefined;
  }
  const halves = text.split('::');
  if (halves.length > 2) {
    return undefined;
  }
  const groups = (half: string): number[] | undefined => {
    if (half === '') {
      return [];
    }
    const parts = half.split(':');
    return parts.every((part) => /^[0-9a-fA-F]{1,4}$/.test(part)) ? parts.map((part) => parseInt(part, 16)) : undefined;
  };
  const head = groups(halves[0] as string);
  const tail = halves.length === 2 ? groups(halves[1] as string) : [];
  if (head === undefined || tail === undefined) {
    return undefined;
  }
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) {
    return undefined;
  }
  const words = [...head, ...new Array<number>(missing).fill(0), ...tail];
  const bytes = words.flatMap((word) => [word >> 8, word & 0xff]);
  const ipv4Mapped = bytes.slice(0, 10).every((byte) => byte === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return ipv4Mapped ? bytes.slice(12) : bytes;
}

/**
 * `address/bits`: the block of addresses sharing the first `bits` bits with the address (host bits in the
 * address are ignored, so `10.0.0.5/24` is `10.0.0.0/24`). As in Event Ruler, the mask must leave at least
 * one host bit (IPv4 < 32, IPv6 < 128), and the mask is checked before the address.
 */
function parseCidr(text: string, field: string): IpRange {
  const parts = text.split('/');
  while (parts.length > 0 && parts[parts.length - 1] === '') {
    parts.pop(); // Java's String.split drops trailing empty strings
  }
  if (parts.length !== 2) {
    return invalid("Malformed CIDR, one '/' required", field);
  }
  const [addressText, maskText] = parts as [string, string];
  const bits = /^[+-]?\d{1,10}$/.test(maskText) ? Number(maskText) : Number.NaN;
  if (!Number.isInteger(bits) || Math.abs(bits) > 2 ** 31 - 1) {
    return invalid('Malformed CIDR, mask bits must be an integer', field);
  }
  if (bits < 0) {
    return invalid('Malformed CIDR, mask bits must not be negative', field);
  }
  if (!IPV4_SHAPE.test(addressText) && !IPV6_SHAPE.test(addressText)) {
    return invalid(`Nonstandard IP address: ${addressText}`, field);
  }
  const address = parseIpLiteral(addressText);
  if (address === undefined) {
    return invalid(`Invalid IP address: ${addressText}`, field);
  }
  if (address.length === 4 && bits > 31) {
    return invalid('IPv4 mask bits must be < 32', field);
  }
  if (address.length === 16 && bits > 127) {
    return invalid('IPv6 mask bits must be < 128', field);
  }
  const hostMasks = address.map((_byte, index) => 0xff >> Math.min(8, Math.max(0, bits - index * 8)));
  return {
    bottom: address.map((byte, index) => byte & ~(hostMasks[index] as number) & 0xff),
    top: address.map((byte, index) => byte | (hostMasks[index] as number)),
  };
}

function compareAddresses(a: IpAddress, b: IpAddress): number {
  for (let i = 0; i < a.length; i += 1) {
    const difference = (a[i] as number) - (b[i] as number);
    if (difference !== 0) {
      return difference;
    }
  }
  return 0;
}

function inIpRange(range: IpRange, address: IpAddress): boolean {
  return (
    address.length === range.bottom.length &&
    compareAddresses(address, range.bottom) >= 0 &&
    compareAddresses(address, range.top) <= 0
  );
}

// ---------------------------------------------------------------------------------------------------------
// The event, flattened
// ---------------------------------------------------------------------------------------------------------

/** Where a leaf sits in the arrays above it: which array (by identity) and which element. */
interface ArrayStep {
  readonly array: number;
  readonly index: number;
}

interface Leaf {
  readonly value: JsonPrimitive;
  readonly trail: readonly ArrayStep[];
}

/**
 * Every leaf value of the event under its dot-joined path. Array elements (nested arrays and objects included)
 * sit under the array's own path, so a pattern "matches if the intersection of the event pattern array and
 * the event array is non-empty". Objects and empty arrays contribute no leaf of their own.
 */
function flattenEvent(event: unknown): Map<string, Leaf[]> {
  const fields = new Map<string, Leaf[]>();
  let arrays = 0;
  const visit = (node: unknown, path: string | undefined, trail: readonly ArrayStep[]): void => {
    if (Array.isArray(node)) {
      const array = arrays;
      arrays += 1;
      node.forEach((element: unknown, index) => visit(element, path, [...trail, { array, index }]));
    } else if (isJsonObject(node)) {
      for (const [key, value] of Object.entries(node)) {
        visit(value, joinPath(path, key), trail);
      }
    } else if (path !== undefined && isJsonPrimitive(node)) {
      const leaves = fields.get(path) ?? [];
      leaves.push({ value: node, trail });
      fields.set(path, leaves);
    }
  };
  visit(event, undefined, []);
  return fields;
}

function isJsonPrimitive(value: unknown): value is JsonPrimitive {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

// ---------------------------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------------------------

/**
 * A branch matches when every field it names holds: a field with no leaf value holds only through
 * `exists: false`; otherwise some leaf must pass one of the field's tests. The leaves chosen for different
 * fields must agree on the element of every array they share.
 */
function branchMatches(branch: Branch, fields: ReadonlyMap<string, readonly Leaf[]>): boolean {
  const choices: Leaf[][] = [];
  for (const [path, matchers] of branch) {
    const leaves = fields.get(path) ?? [];
    if (leaves.length === 0) {
      if (matchers.some((matcher) => matcher.kind === 'exists' && !matcher.present)) {
        continue;
      }
      return false;
    }
    const candidates = leaves.filter((leaf) => matchers.some((matcher) => leafMatches(matcher, leaf.value)));
    if (candidates.length === 0) {
      return false;
    }
    choices.push(candidates);
  }
  return consistentChoiceExists(choices);
}

/** Backtracking search for one leaf per field such that no two disagree on an array element. */
function consistentChoiceExists(choices: readonly Leaf[][]): boolean {
  const constrained = choices
    .filter((candidates) => candidates.every((leaf) => leaf.trail.length > 0))
    .sort((a, b) => a.length - b.length);
  const chosen = new Map<number, number>();
  const search = (depth: number): boolean => {
    const candidates = constrained[depth];
    if (candidates === undefined) {
      return true;
    }
    for (const leaf of candidates) {
      const conflicts = leaf.trail.some((step) => chosen.has(step.array) && chosen.get(step.array) !== step.index);
      if (conflicts) {
        continue;
      }
      const added = leaf.trail.filter((step) => !chosen.has(step.array));
      added.forEach((step) => chosen.set(step.array, step.index));
      if (search(depth + 1)) {
        return true;
      }
      added.forEach((step) => chosen.delete(step.array));
    }
    return false;
  };
  return search(0);
}

/**
 * One test on one leaf value. String operators see strings only, numeric and cidr their own kinds only; a
 * literal matches only a value of its own JSON type, so `null` is not `""` and `"5"` is not `5`.
 */
function leafMatches(matcher: Matcher, value: JsonPrimitive): boolean {
  switch (matcher.kind) {
    case 'exactString':
      return typeof value === 'string' && exactStringMatches(matcher.value, matcher.ip, value);
    case 'exactNumber':
      return typeof value === 'number' && numbersEqual(matcher.value, matcher.key, value);
    case 'exactLiteral':
      return value === matcher.value;
    case 'prefix':
      return typeof value === 'string' && affixMatches(value, matcher.value, matcher.ignoreCase, 'start');
    case 'suffix':
      return typeof value === 'string' && affixMatches(value, matcher.value, matcher.ignoreCase, 'end');
    case 'equalsIgnoreCase':
      return typeof value === 'string' && equalsIgnoringCase(value, matcher.value);
    case 'wildcard':
      return typeof value === 'string' && globMatches(matcher.glob, value);
    case 'numeric': {
      const key = typeof value === 'number' ? comparableNumber(value) : undefined;
      return key !== undefined && inNumericRange(matcher.range, key);
    }
    case 'cidr': {
      const address = typeof value === 'string' ? parseIpLiteral(value) : undefined;
      return address !== undefined && inIpRange(matcher.range, address);
    }
    case 'exists':
      return matcher.present;
    case 'anythingBut':
      return !matcher.excluded.some((excluded) => leafMatches(excluded, value));
  }
}

function exactStringMatches(expected: string, expectedIp: IpAddress | undefined, value: string): boolean {
  if (expectedIp === undefined) {
    return value === expected;
  }
  const address = parseIpLiteral(value);
  return address !== undefined && address.length === expectedIp.length && compareAddresses(address, expectedIp) === 0;
}

function numbersEqual(expected: number, expectedKey: number | undefined, value: number): boolean {
  const key = comparableNumber(value);
  return expectedKey !== undefined && key !== undefined ? key === expectedKey : value === expected;
}

function affixMatches(value: string, affix: string, ignoreCase: boolean, side: 'start' | 'end'): boolean {
  if (ignoreCase) {
    return ignoringCaseReach(value, affix, side).size > 0;
  }
  return side === 'start' ? value.startsWith(affix) : value.endsWith(affix);
}

function equalsIgnoringCase(value: string, operand: string): boolean {
  return ignoringCaseReach(value, operand, 'start').has(value.length);
}

/**
 * Case-insensitive operators accept, for each character of the operand, its lower-case or its upper-case form
 * (Event Ruler expands the operand that way), so `ß` also matches `SS`. The walk keeps every offset of the value
 * the operand can reach from one end; an empty set means no match.
 */
function ignoringCaseReach(value: string, operand: string, from: 'start' | 'end'): Set<number> {
  const characters = Array.from(operand);
  if (from === 'end') {
    characters.reverse();
  }
  let reach = new Set([from === 'start' ? 0 : value.length]);
  for (const character of characters) {
    const forms = new Set([character.toLowerCase(), character.toUpperCase()]);
    const next = new Set<number>();
    for (const offset of reach) {
      for (const form of forms) {
        const start = from === 'start' ? offset : offset - form.length;
        if (start >= 0 && value.startsWith(form, start)) {
          next.add(from === 'start' ? offset + form.length : start);
        }
      }
    }
    if (next.size === 0) {
      return next;
    }
    reach = next;
  }
  return reach;
}
