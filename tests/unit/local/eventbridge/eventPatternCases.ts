/**
 * Event-pattern cases derived from the EventBridge user guide (event patterns, arrays, null values, content
 * filtering / comparison operators) and from Event Ruler's README, the engine EventBridge documents as its
 * matcher. Each note names the rule the case checks. Cases marked "AWS-recorded" reproduce outcomes that
 * TestEventPattern returned on AWS.
 */

export interface MatchCase {
  readonly id: string;
  /** JSON text when the case needs what an object literal cannot express (a repeated key). */
  readonly pattern: object | string;
  readonly event: object;
  readonly matches: boolean;
  readonly note: string;
}

export interface InvalidCase {
  readonly id: string;
  readonly pattern: object | string;
  /** AWS's reason, as it follows `Event pattern is not valid. Reason: `. */
  readonly reason: string;
  readonly note: string;
}

const envelope = {
  version: '0',
  id: '5b3c8e7a-1f2d-4c6b-9a0e-0123456789ab',
  'detail-type': 'Order Placed',
  source: 'com.example.orders',
  account: '123456789012',
  time: '2024-05-01T12:00:00Z',
  region: 'us-east-1',
  resources: ['arn:aws:dynamodb:us-east-1:123456789012:table/orders'],
};

/** A full event envelope with the given detail and envelope overrides. */
const event = (detail: unknown, overrides: Record<string, unknown> = {}): object => ({
  ...envelope,
  ...overrides,
  detail,
});

const cases: MatchCase[] = [];

/** Adds one pattern checked against several events: `[idSuffix, event, matches, note]`. */
function add(id: string, pattern: object | string, checks: readonly [string, object, boolean, string][]): void {
  for (const [suffix, evt, matches, note] of checks) {
    cases.push({ id: `${id}-${suffix}`, pattern, event: evt, matches, note });
  }
}

// --- Structure and exact values ----------------------------------------------------------------------------

add('exact-source', { source: ['com.example.orders'] }, [
  ['equal', event({}), true, 'A listed value matches the identical event value.'],
  ['other', event({}, { source: 'com.example.billing' }), false, 'Any other value does not match.'],
  ['case', event({}, { source: 'Com.Example.Orders' }), false, 'Strings match character by character, without case-folding.'],
]);

add('or-values', { source: ['aws.ec2', 'com.example.orders'] }, [
  ['second', event({}), true, 'Values in a pattern array are alternatives (OR).'],
  ['none', event({}, { source: 'aws.s3' }), false, 'No listed alternative equals the value.'],
]);

add('and-fields', { source: ['com.example.orders'], 'detail-type': ['Order Placed'], detail: { state: ['PLACED'] } }, [
  ['all', event({ state: 'PLACED' }), true, 'Every field named in the pattern must match (AND).'],
  ['one-off', event({ state: 'PAID' }), false, 'One field failing fails the whole pattern.'],
  ['type-off', event({ state: 'PLACED' }, { 'detail-type': 'Order Paid' }), false, 'Envelope fields count like detail fields.'],
]);

add('field-name-case', { Source: ['com.example.orders'] }, [
  ['no-field', event({}), false, 'Field names are case-sensitive: the event has no "Source" field.'],
]);

add('missing-field', { detail: { customerId: ['c-1'] } }, [
  ['absent', event({ orderId: 'o-1' }), false, 'The event must contain every field named in the pattern.'],
]);

add('nested', { detail: { order: { id: ['o-1'] } } }, [
  ['same-shape', event({ order: { id: 'o-1', total: 5 } }), true, 'Nested pattern objects follow the same nesting in the event.'],
  ['flat-value', event({ order: 'o-1' }), false, 'A leaf where the pattern expects an object has no nested field.'],
  ['deeper', event({ order: { id: { value: 'o-1' } } }), false, 'An object is not a leaf value, so it never equals a string.'],
]);

add('object-not-value', { detail: { order: ['o-1'] } }, [
  ['object', event({ order: { id: 'o-1' } }), false, 'Comparisons only apply to leaf values, not to objects.'],
]);

add('number', { detail: { quantity: [5] } }, [
  ['equal', event({ quantity: 5 }), true, 'A JSON number matches an equal JSON number.'],
  ['string', event({ quantity: '5' }), false, 'The string "5" is not the number 5.'],
  ['other', event({ quantity: 6 }), false, 'A different number does not match.'],
]);

add('number-notation', { detail: { limit: [3.0e2] } }, [
  ['value', event({ limit: 300 }), true, 'Numbers compare by value: 3.0e2 equals 300 (AWS-recorded: 300 matches 300.0).'],
]);

add('number-negative', { detail: { delta: [-1.5] } }, [
  ['equal', event({ delta: -1.5 }), true, 'Negative and fractional numbers match exactly.'],
]);

add('string-of-number', { detail: { quantity: ['5'] } }, [
  ['number', event({ quantity: 5 }), false, 'A string in the pattern never matches a number in the event.'],
]);

add('boolean', { detail: { gift: [true] } }, [
  ['true', event({ gift: true }), true, 'The JSON keyword true matches true.'],
  ['false', event({ gift: false }), false, 'true does not match false (AWS-recorded boolean_NEG).'],
  ['string', event({ gift: 'true' }), false, 'The keyword true does not match the string "true".'],
]);

add('boolean-false', { detail: { gift: [false] } }, [
  ['false', event({ gift: false }), true, 'The JSON keyword false matches false.'],
]);

add('ignored-fields', { detail: { orderId: ['o-1'] } }, [
  ['extra', event({ orderId: 'o-1', total: 10, lines: [{ sku: 'A' }] }), true, 'Fields absent from the pattern are ignored ("*": "*").'],
]);

add('envelope-fields', { version: ['0'], account: ['123456789012'], region: ['us-east-1'] }, [
  ['all', event({}), true, 'Matching runs on the whole envelope, not just detail.'],
  ['region', event({}, { region: 'eu-west-1' }), false, 'A mismatching envelope field fails the pattern.'],
]);

add('account-as-number', { account: [123456789012] }, [
  ['string-account', event({}), false, 'The account is a string in the envelope; a numeric pattern value does not match it.'],
]);

add('custom-top-level', { EventBusArn: ['arn:aws:events:us-east-1:123456789012:event-bus/orders'] }, [
  ['present', { ...event({}), EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/orders' }, true, 'Any top-level field of the event can be matched.'],
]);

add('detail-as-string', { detail: { key: ['v'] } }, [
  ['json-text', event('{"key": "v"}'), false, 'A detail that is a JSON string is a string leaf, not an object (AWS-recorded nested_json_NEG).'],
]);

// --- Null and empty strings --------------------------------------------------------------------------------

add('null', { detail: { responseElements: [null] } }, [
  ['null', event({ responseElements: null }), true, 'null matches a field whose value is null.'],
  ['missing', event({}), false, 'null does not match a missing field.'],
  ['empty', event({ responseElements: '' }), false, 'null and the empty string are not interchangeable.'],
  ['string-null', event({ responseElements: 'null' }), false, 'null does not match the string "null" (AWS-recorded null_value_NEG).'],
]);

add('empty-string', { detail: { eventVersion: [''] } }, [
  ['empty', event({ eventVersion: '' }), true, 'The empty string matches an empty string.'],
  ['null', event({ eventVersion: null }), false, 'A pattern matching empty strings does not match null.'],
  ['space', event({ eventVersion: ' ' }), false, 'A blank is not empty.'],
]);

add('null-or-empty', { detail: { note: ['', null] } }, [
  ['null', event({ note: null }), true, 'Listing both "" and null accepts either.'],
  ['empty', event({ note: '' }), true, 'Listing both "" and null accepts either.'],
]);

// --- Arrays ------------------------------------------------------------------------------------------------

add('array-intersection', { resources: ['arn:aws:dynamodb:us-east-1:123456789012:table/orders', 'arn:other'] }, [
  ['shared', event({}), true, 'Against an event array, a non-empty intersection matches.'],
  ['disjoint', event({}, { resources: ['arn:aws:s3:::bucket'] }), false, 'An empty intersection does not match.'],
  ['empty-event-array', event({}, { resources: [] }), false, 'An empty event array holds no value to match.'],
]);

add('array-detail', { detail: { tags: ['b'] } }, [
  ['member', event({ tags: ['a', 'b', 'c'] }), true, 'Any element of an event array may satisfy the pattern.'],
  ['not-member', event({ tags: ['a', 'c'] }), false, 'No element equals the pattern value.'],
]);

add('array-nested', { detail: { tags: ['c'] } }, [
  ['deep', event({ tags: [['a'], ['b', ['c']]] }), true, 'Nested arrays are flattened: every element is a value of the field.'],
]);

add('array-null-element', { detail: { tags: [null] } }, [
  ['null', event({ tags: ['a', null] }), true, 'A null element is a value like any other.'],
  ['empty-array', event({ tags: [] }), false, 'An empty array has no null element (AWS-recorded arrays_empty_null_NEG).'],
]);

add('array-mixed-types', { detail: { codes: ['1'] } }, [
  ['string-element', event({ codes: [1, '1'] }), true, 'Each element keeps its own JSON type; the string element matches.'],
]);

add('array-of-objects', { detail: { lines: { sku: ['B'] } } }, [
  ['element', event({ lines: [{ sku: 'A' }, { sku: 'B' }] }), true, 'Objects inside an array are treated as the value of the parent field.'],
  ['none', event({ lines: [{ sku: 'A' }, { sku: 'C' }] }), false, 'No element has the value.'],
]);

add('array-nested-objects', { detail: { orders: { lines: { sku: ['B'] } } } }, [
  ['deep', event({ orders: [{ lines: [{ sku: 'A' }] }, { lines: [{ sku: 'B' }] }] }), true, 'Arrays of objects nested in arrays of objects flatten too.'],
]);

add('array-consistent', { detail: { lines: { sku: ['A'], quantity: [2] } } }, [
  ['split', event({ lines: [{ sku: 'A', quantity: 1 }, { sku: 'B', quantity: 2 }] }), false, 'Fields matched in array elements must come from the same element (Event Ruler array-consistent matching).'],
  ['same', event({ lines: [{ sku: 'B', quantity: 1 }, { sku: 'A', quantity: 2 }] }), true, 'Both fields hold in one element.'],
]);

add('array-independent', { detail: { lines: { sku: ['A'] }, tags: ['rush'] } }, [
  ['different-arrays', event({ lines: [{ sku: 'A' }], tags: ['gift', 'rush'] }), true, 'Fields in different arrays are matched independently.'],
]);

add('array-numeric', { detail: { scores: [{ numeric: ['>', 10] }] } }, [
  ['one', event({ scores: [1, 50] }), true, 'An operator matches when any element satisfies it.'],
]);

add('array-prefix', { detail: { names: [{ prefix: 'a' }] } }, [
  ['one', event({ names: ['xa', 'ab'] }), true, 'Prefix applies to each element.'],
]);

add('array-anything-but', { detail: { states: [{ 'anything-but': 'stopped' }] } }, [
  ['one-other', event({ states: ['stopped', 'running'] }), true, 'anything-but holds when some element is not excluded.'],
  ['all-excluded', event({ states: ['stopped', 'stopped'] }), false, 'Every element is excluded.'],
]);

add('array-exists-in-element', { detail: { automations: { id: [{ exists: true }] } } }, [
  ['one-has', event({ automations: [{ key1: 'v' }, { id: 'x' }, { key2: 'v' }] }), true, 'exists holds when one element has the field (AWS-recorded list_within_dict).'],
]);

// --- prefix / suffix / equals-ignore-case ------------------------------------------------------------------

add('prefix', { region: [{ prefix: 'us-' }] }, [
  ['match', event({}), true, 'prefix matches a string that starts with the text.'],
  ['other', event({}, { region: 'eu-west-1' }), false, 'A string with another start does not match.'],
]);

add('prefix-case', { region: [{ prefix: 'US-' }] }, [
  ['case', event({}), false, 'prefix is case-sensitive.'],
]);

add('prefix-time', { time: [{ prefix: '2024-05-01' }] }, [
  ['date', event({}), true, 'The documented use: events of one day by the time prefix.'],
]);

add('prefix-number', { detail: { code: [{ prefix: '12' }] } }, [
  ['number', event({ code: 123 }), false, 'prefix only works on string values.'],
]);

add('prefix-empty', { detail: { code: [{ prefix: '' }] } }, [
  ['any-string', event({ code: 'abc' }), true, 'An empty prefix starts every string.'],
  ['number', event({ code: 5 }), false, 'Still only strings.'],
  ['null', event({ code: null }), false, 'null is not a string.'],
]);

add('prefix-whole', { detail: { code: [{ prefix: 'abc' }] } }, [
  ['equal', event({ code: 'abc' }), true, 'A string is its own prefix.'],
  ['shorter', event({ code: 'ab' }), false, 'A value shorter than the prefix cannot start with it.'],
]);

add('prefix-ignore-case', { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } }, [
  ['upper', event({ service: 'EVENTBRIDGE' }), true, 'prefix with equals-ignore-case ignores the case of the start.'],
  ['lower', event({ service: 'eventbus' }), true, 'Any casing of the prefix.'],
  ['other', event({ service: 'Event' }), false, 'The value must still start with the whole prefix.'],
  ['null', event({ service: null }), false, 'Only strings.'],
]);

add('suffix', { detail: { FileName: [{ suffix: '.png' }] } }, [
  ['match', event({ FileName: 'image.png' }), true, 'suffix matches a string that ends with the text.'],
  ['other', event({ FileName: 'image.jpg' }), false, 'Another ending does not match.'],
  ['case', event({ FileName: 'image.PNG' }), false, 'suffix is case-sensitive.'],
  ['number', event({ FileName: 1 }), false, 'suffix only works on string values.'],
]);

add('suffix-ignore-case', { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } }, [
  ['upper', event({ FileName: 'IMAGE.PNG' }), true, 'suffix with equals-ignore-case ignores the case of the ending.'],
  ['other', event({ FileName: 'image.jpg' }), false, 'The ending must still be the suffix (AWS-recorded content_suffix_ignorecase_NEG).'],
]);

add('equals-ignore-case', { detail: { Name: [{ 'equals-ignore-case': 'alice' }] } }, [
  ['upper', event({ Name: 'ALICE' }), true, 'equals-ignore-case matches any casing of the same string.'],
  ['longer', event({ Name: 'Alicia' }), false, 'It is still whole-string equality.'],
  ['number', event({ Name: 1 }), false, 'Only strings.'],
  ['array', event({ Name: ['Bob', 'aLiCe'] }), true, 'Any element of an array may match.'],
]);

add('equals-ignore-case-expansion', { detail: { street: [{ 'equals-ignore-case': 'straße' }] } }, [
  ['upper', event({ street: 'STRASSE' }), true, 'Each operand character may match its upper-case form, even when that is longer (ß, SS).'],
  ['lower', event({ street: 'straße' }), true, 'The operand as written matches.'],
]);

add('equals-ignore-case-empty', { detail: { value: [{ 'equals-ignore-case': '' }] } }, [
  ['empty', event({ value: '' }), true, 'An empty operand matches the empty string (AWS-recorded).'],
  ['other', event({ value: 'test-value' }), false, 'An empty operand matches nothing else (AWS-recorded).'],
]);

add('equals-ignore-case-detail-type', { 'detail-type': [{ 'equals-ignore-case': 'order placed' }] }, [
  ['envelope', event({}), true, 'Works on envelope fields such as detail-type.'],
]);

// --- wildcard ----------------------------------------------------------------------------------------------

add('wildcard-extension', { detail: { FileName: [{ wildcard: '*.png' }] } }, [
  ['match', event({ FileName: 'photo.png' }), true, '* matches any run of characters.'],
  ['other', event({ FileName: 'photo.jpg' }), false, 'The literal part must still match.'],
  ['case', event({ FileName: 'photo.PNG' }), false, 'Wildcards are case-sensitive.'],
]);

add('wildcard-contains', { detail: { title: [{ wildcard: '*Title*' }] } }, [
  ['middle', event({ title: 'My Title here' }), true, 'Leading and trailing * find text in the middle.'],
  ['exact', event({ title: 'Title' }), true, '* also matches zero characters.'],
]);

add('wildcard-middle', { source: [{ wildcard: 'Simple*Service' }] }, [
  ['filled', event({}, { source: 'SimpleNotificationService' }), true, '* in the middle matches the characters between.'],
  ['empty', event({}, { source: 'SimpleService' }), true, '* matches zero characters.'],
  ['tail', event({}, { source: 'SimpleServices' }), false, 'Without a trailing * the value must end with the last literal.'],
]);

add('wildcard-arn', { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] }, [
  ['match', { ...event({}), EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/myEventBus' }, true, 'Several * in one value (AWS-recorded content_wildcard_simplified).'],
]);

add('wildcard-path', { detail: { FileName: [{ wildcard: '/Users/*/doc.txt' }] } }, [
  ['deep', event({ FileName: '/Users/u/dir/dir/doc.txt' }), true, '* spans path separators (AWS-recorded).'],
  ['other-name', event({ FileName: '/Users/u/dir/notmatchingdoc.txt' }), false, 'The literal after * must end the value (AWS-recorded).'],
]);

add('wildcard-repeating', { FileName: [{ wildcard: '/Users/*/dir/dir/dir/dir/dir/doc.txt' }] }, [
  ['match', { ...event({}), FileName: '/Users/ls_user/dir/dir/dir/dir/dir/doc.txt' }, true, 'Repeated sequences after a * are accepted at this size and match (AWS-recorded content_wildcard_repeating).'],
  ['other', { ...event({}), FileName: '/Users/ls_user/dir/dir/dir/dir/otherdir/doc.txt' }, false, 'One differing segment fails (AWS-recorded content_wildcard_repeating_NEG).'],
]);

add('wildcard-several-on-field', { detail: { 'stack-id': [{ wildcard: '*:stack/Api/*' }, { wildcard: '*:stack/Web/*' }, { wildcard: '*:stack/Db/*' }] } }, [
  ['second', event({ 'stack-id': 'arn:aws:cloudformation:us-east-1:123456789012:stack/Web/abc' }), true, 'Several wildcards on one field are alternatives.'],
]);

add('wildcard-escaped-star', { detail: { label: [{ wildcard: 'a\\*b' }] } }, [
  ['literal', event({ label: 'a*b' }), true, '\\* is a literal star.'],
  ['any', event({ label: 'axb' }), false, 'An escaped star is not a wildcard.'],
]);

add('wildcard-escaped-backslash', { detail: { label: [{ wildcard: 'a\\\\b' }] } }, [
  ['literal', event({ label: 'a\\b' }), true, '\\\\ is a literal backslash.'],
]);

add('wildcard-empty', { detail: { label: [{ wildcard: '' }] } }, [
  ['empty', event({ label: '' }), true, 'An empty wildcard is an exact match of the empty string.'],
  ['other', event({ label: 'x' }), false, 'An empty wildcard matches nothing else.'],
]);

add('wildcard-star', { detail: { label: [{ wildcard: '*' }] } }, [
  ['empty', event({ label: '' }), true, 'A lone * matches every string, the empty one too.'],
  ['number', event({ label: 5 }), false, 'Wildcards only work on string values.'],
]);

add('wildcard-no-star', { detail: { label: [{ wildcard: 'abc' }] } }, [
  ['equal', event({ label: 'abc' }), true, 'Without * a wildcard is an exact match.'],
  ['longer', event({ label: 'abcd' }), false, 'Without * a wildcard is an exact match.'],
]);

add('wildcard-order', { detail: { label: [{ wildcard: 'a*b*c' }] } }, [
  ['in-order', event({ label: 'abc' }), true, 'Literal runs must appear in order.'],
  ['out-of-order', event({ label: 'acb' }), false, 'Literal runs out of order do not match.'],
]);

add('wildcard-overlap', { detail: { label: [{ wildcard: 'a*a' }] } }, [
  ['single', event({ label: 'a' }), false, 'The two literal a must not overlap.'],
  ['double', event({ label: 'aa' }), true, 'Each literal a has its own character.'],
]);

// --- numeric -----------------------------------------------------------------------------------------------

add('numeric-range', { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } }, [
  ['top', event({ 'c-count': 5 }), true, '<= includes its bound.'],
  ['bottom', event({ 'c-count': 0 }), false, '> excludes its bound.'],
  ['inside', event({ 'c-count': 2.5 }), true, 'Fractions inside the range match.'],
  ['string', event({ 'c-count': '3' }), false, 'Numeric matching works with JSON numbers only.'],
  ['null', event({ 'c-count': null }), false, 'null is not a number (AWS-recorded numeric-null_NEG).'],
  ['boolean', event({ 'c-count': true }), false, 'A boolean is not a number.'],
  ['missing', event({}), false, 'A missing field has no number.'],
]);

add('numeric-less', { detail: { 'd-count': [{ numeric: ['<', 10] }] } }, [
  ['bound', event({ 'd-count': 10 }), false, '< excludes its bound.'],
  ['below', event({ 'd-count': 9.99 }), true, 'A value below the bound matches.'],
]);

add('numeric-equals', { detail: { 'x-limit': [{ numeric: ['=', 3.018e2] }] } }, [
  ['same-value', event({ 'x-limit': 301.8 }), true, '= compares values: 3.018e2 equals 301.8.'],
  ['other', event({ 'x-limit': 301.9 }), false, 'A different value does not match.'],
]);

add('numeric-at-least', { detail: { total: [{ numeric: ['>=', 10] }] } }, [
  ['bound', event({ total: 10 }), true, '>= includes its bound.'],
  ['float', event({ total: 10.5 }), true, 'Integer bounds compare with fractional values.'],
]);

add('numeric-at-most', { detail: { total: [{ numeric: ['<=', 10] }] } }, [
  ['above', event({ total: 10.5 }), false, 'A value above the bound does not match.'],
]);

add('numeric-int-float', { detail: { number: [{ numeric: ['>', 100] }] } }, [
  ['float', event({ number: 101.0 }), true, '101.0 is greater than 100 (AWS-recorded numeric-int-float).'],
  ['string', event({ number: '300' }), false, 'A numeric-looking string is not a number (AWS-recorded numeric-string_NEG).'],
]);

add('numeric-negative', { detail: { delta: [{ numeric: ['>', -10, '<', 0] }] } }, [
  ['inside', event({ delta: -5 }), true, 'Negative ranges work.'],
  ['zero', event({ delta: 0 }), false, '< 0 excludes 0.'],
]);

add('numeric-limit', { detail: { big: [{ numeric: ['>', 0] }] } }, [
  ['beyond', event({ big: 6e9 }), false, 'Numeric matching is limited to -5.0e9..+5.0e9; larger values never match.'],
  ['at-limit', event({ big: 5e9 }), true, 'The limit itself is included.'],
]);

add('numeric-alternatives', { detail: { amount: [{ numeric: ['<', 0] }, { numeric: ['>', 100] }] } }, [
  ['high', event({ amount: 150 }), true, 'Several numeric conditions in one array are alternatives.'],
  ['between', event({ amount: 50 }), false, 'Neither alternative holds.'],
]);

add('numeric-or-anything-but', { detail: { n: [{ numeric: ['>', 100] }, { 'anything-but': '101' }] } }, [
  ['string', event({ n: '42' }), true, 'The string fails numeric but passes anything-but "101" (AWS-recorded or-numeric-anything-but).'],
  ['excluded', event({ n: '101' }), false, 'A string fails numeric and is the excluded value (AWS-recorded).'],
]);

add('number-list', { detail: { amount: [100, 200] } }, [
  ['second', event({ amount: 200 }), true, 'Exact numbers listed are alternatives.'],
]);

// --- exists ------------------------------------------------------------------------------------------------

add('exists-true', { detail: { state: [{ exists: true }] } }, [
  ['present', event({ state: 'pending' }), true, 'exists: true matches when the field is present.'],
  ['absent', event({ 'c-count': { c1: 100 } }), false, 'exists: true does not match a missing field.'],
  ['null', event({ state: null }), true, 'A null value is present.'],
  ['empty-string', event({ state: '' }), true, 'An empty string is present.'],
  ['object', event({ state: { name: 'x' } }), false, 'Exists matching only works on leaf nodes: an object is not one.'],
  ['empty-array', event({ state: [] }), false, 'An empty array holds no leaf (AWS-recorded exists_list_empty_NEG).'],
]);

add('exists-false', { detail: { 'c-count': [{ exists: false }] } }, [
  ['absent', event({ state: 'running' }), true, 'exists: false matches when the field is absent.'],
  ['present', event({ 'c-count': 3 }), false, 'exists: false does not match a present field.'],
  ['object', event({ 'c-count': { c1: 100 } }), true, 'c-count is not a leaf node, so it does not exist (documented example).'],
  ['empty-array', event({ 'c-count': [] }), true, 'An empty array holds no leaf.'],
  ['null', event({ 'c-count': null }), false, 'A null value is present.'],
]);

add('exists-leaf-under-object', { dynamodb: { presentKey: { S: [{ exists: true }] } } }, [
  ['leaf', { ...event({}), dynamodb: { presentKey: { S: 'x' } } }, true, 'exists on the leaf below an object matches (AWS-recorded exists_dynamodb).'],
]);

add('exists-intermediate', { dynamodb: { presentKey: [{ exists: true }] } }, [
  ['object', { ...event({}), dynamodb: { presentKey: { S: 'x' } } }, false, 'exists on an intermediate node does not match (AWS-recorded exists_dynamodb_NEG).'],
]);

add('exists-false-deep', { detail: { level1: { level2: { level3: [{ exists: false }] } } } }, [
  ['parent-missing', event({}), true, 'A field under a missing parent is absent.'],
  ['parent-leaf', event({ level1: { level2: 'text' } }), true, 'A field under a string is absent.'],
  ['present', event({ level1: { level2: { level3: 'x' } } }), false, 'The deep field exists.'],
]);

add('exists-false-or-value', { detail: { S: [{ exists: false }, 'roses'] } }, [
  ['absent', event({ N: '1' }), true, 'Alternatives: an absent field satisfies exists: false (AWS-recorded or-exists).'],
  ['value', event({ S: 'roses' }), true, 'The listed value satisfies the other alternative.'],
  ['other', event({ S: 'tulips' }), false, 'Present, and not the listed value.'],
]);

add('exists-with-anything-but', { dynamodb: { NewImage: { homemade: { S: [{ 'anything-but': ['roses'] }, { exists: false }] } } } }, [
  ['other-value', { ...event({}), dynamodb: { NewImage: { homemade: { S: 'ABCD' } } } }, true, 'anything-but holds for ABCD (AWS-recorded or-anything-but).'],
  ['parent-missing', { ...event({}), dynamodb: { NewImage: { purchased: { N: '1' } } } }, true, 'Missing parent: exists: false holds (AWS-recorded or-exists-parent).'],
  ['excluded', { ...event({}), dynamodb: { NewImage: { homemade: { S: 'roses' } } } }, false, 'Present and excluded: neither alternative holds.'],
]);

// --- cidr --------------------------------------------------------------------------------------------------

add('cidr-v4', { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } }, [
  ['last', event({ sourceIPAddress: '10.0.0.255' }), true, 'A /24 block holds addresses 10.0.0.0 to 10.0.0.255 (AWS-recorded).'],
  ['not-ip', event({ sourceIPAddress: '10.0.0.256' }), false, '10.0.0.256 is not an IP address (AWS-recorded content_ip_address_NEG).'],
  ['outside', event({ sourceIPAddress: '10.0.1.1' }), false, 'An address outside the block does not match.'],
  ['number', event({ sourceIPAddress: 123 }), false, 'A number is not an IP address (AWS-recorded content_ip_address_bad_type_NEG).'],
  ['hostname', event({ sourceIPAddress: 'localhost' }), false, 'A hostname is not an IP address.'],
  ['v6', event({ sourceIPAddress: '2001:db8::1' }), false, 'An IPv6 address is never in an IPv4 block.'],
]);

add('cidr-v4-8', { detail: { ip: [{ cidr: '10.0.0.0/8' }] } }, [
  ['top', event({ ip: '10.255.255.255' }), true, 'The mask fixes only the first 8 bits.'],
  ['next', event({ ip: '11.0.0.0' }), false, 'The next block is outside.'],
]);

add('cidr-host-bits', { detail: { ip: [{ cidr: '10.0.0.5/24' }] } }, [
  ['below-address', event({ ip: '10.0.0.1' }), true, 'Host bits in the block address are ignored: 10.0.0.5/24 is 10.0.0.0/24.'],
]);

add('cidr-v4-0', { detail: { ip: [{ cidr: '0.0.0.0/0' }] } }, [
  ['any', event({ ip: '8.8.8.8' }), true, 'A zero-bit mask holds every IPv4 address.'],
]);

add('cidr-v6', { detail: { ip: [{ cidr: '2001:db8:1234:1a00::/64' }] } }, [
  ['full-form', event({ ip: '2001:0db8:1234:1a00:0000:0000:0000:0000' }), true, 'IPv6 blocks match uncompressed addresses (AWS-recorded).'],
  ['compressed', event({ ip: '2001:db8:1234:1a00::abcd' }), true, 'and compressed ones.'],
  ['outside', event({ ip: '2001:0db8:123f:1a01:0000:0000:0000:0000' }), false, 'An address outside the /64 (AWS-recorded content_ip_address_v6_NEG).'],
  ['v4', event({ ip: '10.0.0.1' }), false, 'An IPv4 address is never in an IPv6 block.'],
]);

add('ip-literal', { detail: { ip: ['2001:db8::1'] } }, [
  ['other-spelling', event({ ip: '2001:0db8:0000:0000:0000:0000:0000:0001' }), true, 'A string value that is an IP literal compiles to that address (Event Ruler), so any spelling matches.'],
  ['same', event({ ip: '2001:db8::1' }), true, 'The same spelling matches.'],
]);

// --- anything-but ------------------------------------------------------------------------------------------

add('anything-but-string', { detail: { state: [{ 'anything-but': 'initializing' }] } }, [
  ['other', event({ state: 'running' }), true, 'anything-but matches anything except what is provided.'],
  ['excluded', event({ state: 'initializing' }), false, 'The excluded value does not match.'],
  ['null', event({ state: null }), true, 'null is not the excluded string (AWS-recorded content_anything_but_string_null).'],
  ['missing', event({}), false, 'A missing field has no value to compare (AWS-recorded content_anything_but_string_missing_NEG).'],
  ['boolean', event({ state: true }), true, 'A boolean is not the excluded string.'],
  ['case', event({ state: 'INITIALIZING' }), true, 'Plain anything-but is case-sensitive.'],
]);

add('anything-but-number', { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, [
  ['other', event({ 'x-limit': 124 }), true, 'A different number matches.'],
  ['excluded', event({ 'x-limit': 123 }), false, 'The excluded number does not.'],
  ['string', event({ 'x-limit': '123' }), true, 'The string "123" is not the number 123.'],
]);

add('anything-but-zero', { detail: { 'x-limit': [{ 'anything-but': 0 }] } }, [
  ['other', event({ 'x-limit': 789 }), true, 'Zero is a valid excluded number (AWS-recorded content_anything_but_number_zero).'],
  ['zero', event({ 'x-limit': 0 }), false, 'Zero itself is excluded.'],
]);

add('anything-but-string-list', { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, [
  ['other', event({ state: 'running' }), true, 'A value outside the list matches.'],
  ['listed', event({ state: 'overloaded' }), false, 'Any listed value is excluded.'],
  ['null', event({ state: null }), true, 'null is not in the list (AWS-recorded content_anything_but_string_list_null).'],
  ['missing', event({}), false, 'Missing fields never match anything-but.'],
]);

add('anything-but-number-list', { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }, [
  ['other', event({ 'x-limit': 250 }), true, 'A number outside the list matches.'],
  ['listed', event({ 'x-limit': 200 }), false, 'A listed number is excluded.'],
]);

add('anything-but-prefix', { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, [
  ['other', event({ state: 'running' }), true, 'anything-but prefix matches values without the prefix.'],
  ['prefixed', event({ state: 'initializing' }), false, 'A value with the prefix is excluded.'],
  ['null', event({ state: null }), true, 'null has no prefix (AWS-recorded content_anything_prefix_null).'],
  ['number', event({ state: 12 }), true, 'A number has no prefix (AWS-recorded content_anything_prefix_int_value).'],
  ['missing', event({}), false, 'Missing fields never match anything-but (AWS-recorded).'],
]);

add('anything-but-prefix-list', { detail: { state: [{ 'anything-but': { prefix: ['init', 'test'] } }] } }, [
  ['other', event({ state: 'post-init' }), true, 'A list of prefixes excludes each (AWS-recorded content_anything_prefix_list).'],
  ['second', event({ state: 'test-1' }), false, 'The second prefix excludes too.'],
]);

add('anything-but-envelope', { source: [{ 'anything-but': { prefix: 'aws.' } }] }, [
  ['custom', event({}), true, 'The documented use: every event not from an AWS service.'],
  ['aws', event({}, { source: 'aws.ec2' }), false, 'AWS service events are excluded.'],
]);

add('anything-but-suffix', { detail: { FileName: [{ 'anything-but': { suffix: '.png' } }] } }, [
  ['other', event({ FileName: 'a.jpg' }), true, 'anything-but suffix matches values without the ending.'],
  ['suffixed', event({ FileName: 'a.png' }), false, 'A value with the ending is excluded.'],
]);

add('anything-but-suffix-list', { detail: { FileName: [{ 'anything-but': { suffix: ['.txt', '.jpg'] } }] } }, [
  ['other', event({ FileName: 'file.txt.bak' }), true, 'None of the endings (AWS-recorded content_anything_suffix_list).'],
  ['listed', event({ FileName: 'file.jpg' }), false, 'One of the endings.'],
]);

add('anything-but-ignore-case', { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] } }, [
  ['upper', event({ state: 'INITIALIZING' }), false, 'Any casing of the excluded value is excluded.'],
  ['other', event({ state: 'pending' }), true, 'Other values match.'],
  ['null', event({ state: null }), true, 'null matches (AWS-recorded content_anything_but_ignorecase_null).'],
]);

add('anything-but-ignore-case-list', { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['initializing', 'stopped'] } }] } }, [
  ['listed', event({ state: 'Stopped' }), false, 'Any casing of a listed value is excluded (AWS-recorded).'],
  ['other', event({ state: 'pending' }), true, 'Other values match (AWS-recorded).'],
  ['missing', event({}), false, 'Missing fields never match (AWS-recorded).'],
]);

add('anything-but-wildcard', { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } }, [
  ['excluded', event({ FilePath: '/usr/lib/libc.so' }), false, 'A path including /lib/ is excluded.'],
  ['other', event({ FilePath: '/usr/bin/env' }), true, 'Other paths match.'],
  ['number', event({ FilePath: 123 }), true, 'A number cannot match the wildcard, so it is not excluded (AWS-recorded content_anything_wildcard_int).'],
  ['start', event({ FilePath: 'lib/x' }), true, '*/lib/* needs a slash before lib.'],
]);

add('anything-but-wildcard-list', { detail: { state: [{ 'anything-but': { wildcard: ['*/init/*', '*/dir/*'] } }] } }, [
  ['excluded', event({ state: 'dir/init/dir' }), false, 'Matching any listed wildcard excludes (AWS-recorded).'],
  ['other', event({ state: 'dir/post/dir' }), true, 'Matching none of them is kept (AWS-recorded).'],
]);

add('anything-but-wildcard-empty', { detail: { FilePath: [{ 'anything-but': { wildcard: '' } }] } }, [
  ['non-empty', event({ FilePath: 'dir/init/file' }), true, 'An empty wildcard excludes only the empty string (AWS-recorded content_anything_wildcard_empty).'],
  ['empty', event({ FilePath: '' }), false, 'The empty string is excluded.'],
]);

// --- $or ---------------------------------------------------------------------------------------------------

const documentedOr = {
  detail: {
    $or: [
      { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
      { 'd-count': [{ numeric: ['<', 10] }] },
      { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
    ],
  },
};

add('or-documented', documentedOr, [
  ['second', event({ 'c-count': 0, 'd-count': 0, 'x-limit': 901.8 }), true, 'One alternative holding is enough (AWS-recorded complex_or).'],
  ['none', event({ 'c-count': 0, 'd-count': 10, 'x-limit': 901.8 }), false, 'No alternative holds (AWS-recorded complex_or_NEG).'],
]);

add('or-top-level', { $or: [{ source: ['aws.ec2'] }, { source: ['com.example.orders'] }] }, [
  ['second', event({}), true, '$or works at the top level.'],
  ['none', event({}, { source: 'my.app' }), false, 'An event matching no alternative does not match.'],
]);

add('or-with-sibling', { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }] }, [
  ['both', { ...event({}, { source: 'aws.cloudwatch' }), namespace: 'AWS/EC2' }, true, 'source AND (metricName OR namespace).'],
  ['sibling-fails', { ...event({}), namespace: 'AWS/EC2' }, false, 'The sibling field is still required.'],
]);

add('or-and-inside', { $or: [{ metricName: ['CPUUtilization'] }, { metricType: ['MetricType'], namespace: ['AWS/EC2'] }] }, [
  ['partial', { ...event({}), metricType: 'MetricType', namespace: 'AWS/ES' }, false, 'An alternative with several fields needs all of them.'],
  ['whole', { ...event({}), metricType: 'MetricType', namespace: 'AWS/EC2' }, true, 'All fields of the alternative hold.'],
]);

add('or-nested', {
  source: ['aws.cloudwatch'],
  $or: [
    { metricName: ['CPUUtilization'] },
    { metricType: ['MetricType'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] },
  ],
}, [
  ['inner', { ...event({}, { source: 'aws.cloudwatch' }), metricType: 'MetricType', spaceId: 1000 }, true, '$or nests inside an $or alternative.'],
  ['inner-none', { ...event({}, { source: 'aws.cloudwatch' }), metricType: 'MetricType', spaceId: 1 }, false, 'The nested $or must hold too.'],
]);

add('or-parallel', {
  $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }],
  detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }] },
}, [
  ['both', { ...event({ source: 'aws.cloudwatch' }), metricName: 'CPUUtilization' }, true, 'Two $or at different levels are ANDed.'],
  ['one', { ...event({ source: 'other' }), metricName: 'CPUUtilization' }, false, 'Both $or must hold.'],
]);

add('or-exists', { detail: { $or: [{ a: [{ exists: false }] }, { b: ['x'] }] } }, [
  ['absent', event({ c: 1 }), true, 'An $or alternative may be an absence test.'],
  ['present', event({ a: 1, b: 'y' }), false, 'Neither alternative holds.'],
]);

add('or-as-field-name', { source: ['aws.cloudwatch'], $or: { metricType: ['MetricType'] } }, [
  ['field', { ...event({}, { source: 'aws.cloudwatch' }), $or: { metricType: 'MetricType' } }, true, 'A $or that is not an array of objects stays an ordinary field name (Event Ruler backward compatibility).'],
  ['no-field', { ...event({}, { source: 'aws.cloudwatch' }), metricType: 'MetricType' }, false, 'Read as a field name, $or is not an alternative.'],
]);

add('or-operators-as-field', { $or: [{ prefix: 'abc' }, { suffix: 'xyz' }] }, [
  ['field', { ...event({}), $or: 'abc-123' }, true, 'Operator names inside $or make it an ordinary field with those operators (Event Ruler README).'],
  ['other', { ...event({}), $or: 'nothing' }, false, 'Neither operator holds for the $or field.'],
]);

// --- Paths: dots, repeated keys ----------------------------------------------------------------------------

add('dot-in-pattern-key', { detail: { 'state.status': ['running'] } }, [
  ['nested-event', event({ state: { status: 'running' } }), true, 'Paths are dot-joined: "state.status" names state > status (AWS-recorded dot_joining_pattern).'],
]);

add('dot-in-event-key', { detail: { state: { status: ['running'] } } }, [
  ['dotted-event', event({ 'state.status': 'running' }), true, 'An event key containing a dot names the same path (AWS-recorded dot_joining_event).'],
  ['deeper', event({ 'state.status': { status: 'running' } }), false, 'That path is state.status.status (AWS-recorded dot_joining_event_NEG).'],
]);

add('dot-pattern-deeper', { detail: { 'state.status': { status: ['running'] } } }, [
  ['nested-event', event({ state: { status: 'running' } }), false, 'detail.state.status.status is not in the event (AWS-recorded dot_joining_pattern_NEG).'],
]);

add('repeated-key', '{"detail": {"location": [{"prefix": "us-"}], "location": [{"anything-but": "us-east"}]}}', [
  ['last-wins', event({ location: 'eu-central-1' }), true, 'A key included more than once: the last reference is the one used (AWS-recorded complex_multi_key).'],
  ['excluded', event({ location: 'us-east' }), false, 'The last reference still applies.'],
]);

add('complex-documented', {
  time: [{ prefix: '2024-05-01' }],
  detail: {
    state: [{ 'anything-but': 'initializing' }],
    'c-count': [{ numeric: ['>', 0, '<=', 5] }],
    'd-count': [{ numeric: ['<', 10] }],
    'x-limit': [{ 'anything-but': [100, 200, 300] }],
  },
}, [
  ['all', event({ state: 'processing', 'c-count': 3, 'd-count': 9, 'x-limit': 999 }), true, 'Operators combine across fields (AWS-recorded complex_multi_match).'],
  ['excluded', event({ state: 'processing', 'c-count': 3, 'd-count': 9, 'x-limit': 300 }), false, 'One excluded value fails it (AWS-recorded complex_multi_match_NEG).'],
]);

export const matchCases: readonly MatchCase[] = cases;

// --- Invalid patterns --------------------------------------------------------------------------------------

const field = (operand: unknown): object => ({ detail: { field: [operand] } });

export const invalidCases: readonly InvalidCase[] = [
  { id: 'not-json', pattern: '{"bad": ', reason: '', note: 'A pattern must be JSON.' },
  { id: 'top-array', pattern: '["not", "an", "object"]', reason: 'Filter is not an object', note: 'The pattern must be a JSON object (AWS-recorded).' },
  { id: 'top-number', pattern: '42', reason: 'Filter is not an object', note: 'The pattern must be a JSON object.' },
  { id: 'top-null', pattern: 'null', reason: 'Filter is not an object', note: 'The pattern must be a JSON object.' },
  { id: 'empty-pattern', pattern: {}, reason: 'Empty objects are not allowed', note: 'A pattern needs at least one field.' },
  { id: 'empty-nested', pattern: { detail: {} }, reason: 'Empty objects are not allowed', note: 'A nested object needs at least one field.' },
  { id: 'string-leaf', pattern: { source: 'aws.ec2' }, reason: '"source" must be an object or an array', note: 'Values to match go in an array (AWS-recorded string_nolist_EXC).' },
  { id: 'number-leaf', pattern: { int: 42 }, reason: '"int" must be an object or an array', note: 'Values to match go in an array (AWS-recorded int_nolist_EXC).' },
  { id: 'null-leaf', pattern: { detail: { x: null } }, reason: '"x" must be an object or an array', note: 'null must be listed as [null].' },
  { id: 'empty-array', pattern: { resources: [] }, reason: 'Empty arrays are not allowed', note: 'A field needs at least one alternative (AWS-recorded arrays_empty_EXC).' },
  { id: 'nested-array-value', pattern: { detail: { x: [['a']] } }, reason: 'Match value must be String, number, true, false, or null', note: 'Alternatives are JSON values or operator objects.' },
  { id: 'empty-operator', pattern: field({}), reason: 'Match expression name not found', note: 'An operator object names its operator.' },
  { id: 'operator-case', pattern: { my_key: [{ EXISTS: true }] }, reason: 'Unrecognized match type EXISTS', note: 'Operator names are case-sensitive (AWS-recorded operator_case_sensitive_EXC).' },
  { id: 'numeric-case', pattern: { detail: { equal: [{ NUMERIC: ['=', 5] }] } }, reason: 'Unrecognized match type NUMERIC', note: 'Operator names are case-sensitive (AWS-recorded).' },
  { id: 'unknown-operator', pattern: field({ contains: 'x' }), reason: 'Unrecognized match type contains', note: 'Only documented operators exist.' },
  { id: 'prefix-number', pattern: { time: [{ prefix: 123 }] }, reason: 'prefix match pattern must be a string', note: 'prefix takes a string (AWS-recorded content_prefix_int_EXC).' },
  { id: 'prefix-list', pattern: { time: [{ prefix: ['2022-07-13'] }] }, reason: 'prefix match pattern must be a string', note: 'prefix takes one string, not a list (AWS-recorded).' },
  { id: 'prefix-unknown-inner', pattern: field({ prefix: { wildcard: 'a' } }), reason: 'Unsupported prefix pattern: wildcard', note: 'prefix only nests equals-ignore-case.' },
  { id: 'prefix-ignore-case-number', pattern: field({ prefix: { 'equals-ignore-case': 1 } }), reason: 'equals-ignore-case match pattern must be a string', note: 'The nested operand is a string.' },
  { id: 'two-operators', pattern: field({ prefix: 'a', suffix: 'b' }), reason: 'Only one key allowed in match expression', note: 'One operator per object.' },
  { id: 'suffix-number', pattern: { FileName: [{ suffix: 123 }] }, reason: 'suffix match pattern must be a string', note: 'suffix takes a string (AWS-recorded).' },
  { id: 'suffix-list', pattern: { FileName: [{ suffix: ['.png'] }] }, reason: 'suffix match pattern must be a string', note: 'suffix takes one string (AWS-recorded).' },
  { id: 'suffix-unknown-inner', pattern: field({ suffix: { prefix: 'a' } }), reason: 'Unsupported suffix pattern: prefix', note: 'suffix only nests equals-ignore-case.' },
  { id: 'ignore-case-list', pattern: { 'detail-type': [{ 'equals-ignore-case': ['ec2'] }] }, reason: 'equals-ignore-case match pattern must be a string', note: 'equals-ignore-case takes one string (AWS-recorded content_ignorecase_EXC).' },
  { id: 'ignore-case-object', pattern: { 'detail-type': [{ 'equals-ignore-case': { prefix: 'ec2' } }] }, reason: 'equals-ignore-case match pattern must be a string', note: 'Nothing nests in equals-ignore-case (AWS-recorded).' },
  { id: 'wildcard-number', pattern: { EventBusArn: [{ wildcard: 123 }] }, reason: 'wildcard match pattern must be a string', note: 'wildcard takes a string (AWS-recorded).' },
  { id: 'wildcard-list', pattern: { EventBusArn: [{ wildcard: ['a*'] }] }, reason: 'wildcard match pattern must be a string', note: 'wildcard takes one string (AWS-recorded).' },
  { id: 'wildcard-consecutive', pattern: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:**:event-bus/*' }] }, reason: 'Consecutive wildcard characters at pos 26', note: 'Consecutive * are not allowed (AWS-recorded, same position).' },
  { id: 'wildcard-bad-escape', pattern: field({ wildcard: 'a\\b' }), reason: 'Invalid escape character at pos 2', note: 'A backslash escapes only * or a backslash.' },
  { id: 'wildcard-trailing-backslash', pattern: field({ wildcard: 'abc\\' }), reason: 'Invalid escape character at pos 4', note: 'A lone trailing backslash escapes nothing.' },
  { id: 'wildcard-too-complex', pattern: { EventBusArn: [{ wildcard: '*:*:*:*:*:event-bus/*' }] }, reason: 'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character', note: 'Too many wildcard prefixes alive at once (AWS-recorded content_wildcard_complex_EXC).' },
  { id: 'wildcard-too-complex-field', pattern: { detail: { 'stack-id': ['A', 'B', 'C', 'D'].map((name) => ({ wildcard: `*:stack/${name}/*` })) } }, reason: 'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character', note: 'Complexity adds up over the wildcards of one field.' },
  { id: 'numeric-not-array', pattern: field({ numeric: '>' }), reason: 'Value of numeric must be an array.', note: 'numeric takes an array.' },
  { id: 'numeric-two-lower', pattern: { detail: { 'c-count': [{ numeric: ['>', 0, '>', 0] }] } }, reason: 'Bad numeric range operator: >', note: 'A range is a lower then an upper bound (AWS-recorded content_numeric_EXC).' },
  { id: 'numeric-missing-value', pattern: { detail: { 'c-count': [{ numeric: ['>', 0, '<'] }] } }, reason: 'Value of < must be numeric', note: 'Every operator needs a number (AWS-recorded content_numeric_syntax_EXC).' },
  { id: 'numeric-upper-first', pattern: field({ numeric: ['<', 5, '>', 1] }), reason: 'Too many elements in numeric expression', note: 'Only a lower bound may be followed by another comparison.' },
  { id: 'numeric-equals-string', pattern: field({ numeric: ['=', '5'] }), reason: 'Value of equals must be numeric', note: 'numeric operands are JSON numbers.' },
  { id: 'numeric-unknown-operator', pattern: field({ numeric: ['==', 5] }), reason: 'Unrecognized numeric range operator: ==', note: 'Only =, <, <=, >, >= exist.' },
  { id: 'numeric-empty', pattern: field({ numeric: [] }), reason: 'Invalid member in numeric match: ]', note: 'numeric needs an operator.' },
  { id: 'numeric-no-operator', pattern: field({ numeric: [5] }), reason: 'Invalid member in numeric match: 5', note: 'numeric starts with an operator.' },
  { id: 'numeric-inverted', pattern: field({ numeric: ['>', 10, '<', 5] }), reason: 'Bottom must be less than top', note: 'A range must not be empty.' },
  { id: 'numeric-equal-bounds', pattern: field({ numeric: ['>=', 5, '<=', 5] }), reason: 'Bottom must be less than top', note: 'Equal bounds are refused too; use "=".' },
  { id: 'numeric-too-many', pattern: field({ numeric: ['>', 0, '<', 5, 6] }), reason: 'Too many terms in numeric range expression', note: 'At most two comparisons.' },
  { id: 'numeric-bad-second', pattern: field({ numeric: ['>', 0, 5] }), reason: 'Bad value in numeric range: 5', note: 'The second comparison starts with an operator.' },
  { id: 'numeric-out-of-range', pattern: field({ numeric: ['<', 6e9] }), reason: 'Value must be between -5.0E9 and 5.0E9, inclusive', note: 'Numeric matching is limited to -5.0e9..+5.0e9.' },
  { id: 'numeric-extra-key', pattern: field({ numeric: ['>', 1], prefix: 'a' }), reason: 'Too many elements in numeric expression', note: 'One operator per object.' },
  { id: 'exists-string', pattern: field({ exists: 'true' }), reason: 'exists match pattern must be either true or false.', note: 'exists takes a boolean.' },
  { id: 'exists-null', pattern: field({ exists: null }), reason: 'exists match pattern must be either true or false.', note: 'exists takes a boolean.' },
  { id: 'cidr-list', pattern: { detail: { sourceIPAddress: [{ cidr: ['bad-type'] }] } }, reason: 'prefix match pattern must be a string', note: 'cidr takes a string; AWS words it as prefix (AWS-recorded content_ip_address_type_EXC).' },
  { id: 'cidr-no-slash', pattern: { detail: { sourceIPAddress: [{ cidr: 'bad-filter' }] } }, reason: "Malformed CIDR, one '/' required", note: 'A block is address/bits (AWS-recorded).' },
  { id: 'cidr-bad-mask', pattern: { detail: { sourceIPAddress: [{ cidr: 'bad-/64filter' }] } }, reason: 'Malformed CIDR, mask bits must be an integer', note: 'The mask is checked first (AWS-recorded).' },
  { id: 'cidr-bad-ip', pattern: { detail: { sourceIPAddress: [{ cidr: 'xx.11.xx/8' }] } }, reason: 'Nonstandard IP address: xx.11.xx', note: 'The address must be IPv4 or IPv6 (AWS-recorded).' },
  { id: 'cidr-bad-ipv6', pattern: { detail: { sourceIPAddress: [{ cidr: 'xxxx:db8:1234:1a00::/64' }] } }, reason: 'Nonstandard IP address: xxxx:db8:1234:1a00::', note: 'IPv6 groups are hexadecimal (AWS-recorded).' },
  { id: 'cidr-octet', pattern: field({ cidr: '10.0.0.300/24' }), reason: 'Invalid IP address: 10.0.0.300', note: 'IPv4 octets stop at 255.' },
  { id: 'cidr-mask-negative', pattern: field({ cidr: '10.0.0.0/-1' }), reason: 'Malformed CIDR, mask bits must not be negative', note: 'Mask bits count from 0.' },
  { id: 'cidr-mask-v4', pattern: field({ cidr: '10.0.0.0/33' }), reason: 'IPv4 mask bits must be < 32', note: 'An IPv4 mask leaves at least one host bit.' },
  { id: 'cidr-mask-v6', pattern: field({ cidr: '2001:db8::/128' }), reason: 'IPv6 mask bits must be < 128', note: 'An IPv6 mask leaves at least one host bit.' },
  { id: 'anything-but-null', pattern: field({ 'anything-but': null }), reason: 'Value of anything-but must be an array or single string/number value.', note: 'anything-but takes strings or numbers (AWS-recorded content_anything_but_string_null_type_EXC).' },
  { id: 'anything-but-boolean', pattern: field({ 'anything-but': true }), reason: 'Value of anything-but must be an array or single string/number value.', note: 'anything-but takes strings or numbers.' },
  { id: 'anything-but-list-null', pattern: field({ 'anything-but': ['stopped', null] }), reason: 'Inside anything but list, start|null|boolean is not supported.', note: 'A list holds strings or numbers only (AWS-recorded).' },
  { id: 'anything-but-list-mixed', pattern: field({ 'anything-but': ['a', 1] }), reason: 'Inside anything but list, either all values are number or string, mixed type is not supported', note: 'A list is all strings or all numbers.' },
  { id: 'anything-but-list-empty', pattern: field({ 'anything-but': [] }), reason: 'Inside anything but list, either all values are number or string, mixed type is not supported', note: 'A list needs values.' },
  { id: 'anything-but-nested', pattern: field({ 'anything-but': { 'anything-but': 'x' } }), reason: 'Unsupported anything-but pattern: anything-but', note: 'anything-but cannot be nested in anything-but.' },
  { id: 'anything-but-exists', pattern: field({ 'anything-but': { exists: true } }), reason: 'Unsupported anything-but pattern: exists', note: 'Only prefix, suffix, equals-ignore-case and wildcard nest in anything-but.' },
  { id: 'anything-but-numeric', pattern: field({ 'anything-but': { numeric: ['>', 1] } }), reason: 'Unsupported anything-but pattern: numeric', note: 'numeric does not nest in anything-but.' },
  { id: 'anything-but-empty-object', pattern: field({ 'anything-but': {} }), reason: 'Anything-But expression name not found', note: 'A nested operator must be named.' },
  { id: 'anything-but-prefix-number', pattern: { detail: { state: [{ 'anything-but': { prefix: 123 } }] } }, reason: 'prefix/suffix match pattern must be a string', note: 'anything-but prefix takes strings (AWS-recorded content_anything_prefix_int_EXC).' },
  { id: 'anything-but-prefix-empty', pattern: { detail: { FileName: [{ 'anything-but': { prefix: '' } }] } }, reason: 'Null prefix/suffix not allowed', note: 'An empty prefix would exclude every string.' },
  { id: 'anything-but-suffix-empty', pattern: { detail: { FileName: [{ 'anything-but': { suffix: '' } }] } }, reason: 'Null prefix/suffix not allowed', note: 'An empty suffix would exclude every string.' },
  { id: 'anything-but-suffix-list-null', pattern: { detail: { FileName: [{ 'anything-but': { suffix: [null, '.txt'] } }] } }, reason: 'prefix/suffix match pattern must be a string', note: 'Lists of suffixes hold strings only.' },
  { id: 'anything-but-suffix-list-number', pattern: { detail: { FileName: [{ 'anything-but': { suffix: [123, '.txt'] } }] } }, reason: 'prefix/suffix match pattern must be a string', note: 'Lists of suffixes hold strings only (AWS-recorded).' },
  { id: 'anything-but-ignore-case-number', pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 123 } }] } }, reason: 'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.', note: 'anything-but equals-ignore-case takes strings (AWS-recorded).' },
  { id: 'anything-but-ignore-case-list-number', pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': [123, 456] } }] } }, reason: 'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.', note: 'Lists hold strings only (AWS-recorded).' },
  { id: 'anything-but-wildcard-number', pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: 123 } }] } }, reason: 'wildcard match pattern must be a string', note: 'anything-but wildcard takes strings (AWS-recorded).' },
  { id: 'anything-but-wildcard-consecutive', pattern: field({ 'anything-but': { wildcard: 'a**' } }), reason: 'Consecutive wildcard characters at pos 2', note: 'Wildcard rules apply inside anything-but too.' },
  { id: 'anything-but-prefix-ignore-case', pattern: { detail: { FileName: [{ 'anything-but': { prefix: { 'equals-ignore-case': 'file' } } }] } }, reason: 'Value of anything-but must be an array or single string/number value.', note: 'Operators do not nest two deep in anything-but (AWS-recorded).' },
  { id: 'anything-but-extra-key', pattern: field({ 'anything-but': 'x', prefix: 'y' }), reason: 'Too many elements in numeric expression', note: 'One operator per object.' },
  { id: 'or-one', pattern: { $or: [{ a: ['x'] }] }, reason: 'There must have at least 2 Objects in $or relationship.', note: '$or needs at least two alternatives.' },
  { id: 'or-empty', pattern: { $or: [] }, reason: 'There must have at least 2 Objects in $or relationship.', note: '$or needs at least two alternatives.' },
  { id: 'or-non-object', pattern: { $or: [{ a: ['x'] }, 'b'] }, reason: 'Only JSON object is allowed in array of $or relationship.', note: '$or alternatives are objects.' },
  { id: 'or-empty-object', pattern: { $or: [{ a: ['x'] }, {}] }, reason: 'Empty objects are not allowed', note: 'An alternative needs a field.' },
  { id: 'or-reserved-field', pattern: { $or: [{ prefix: ['x'] }, { b: ['y'] }] }, reason: 'prefix is Ruler reserved fieldName which cannot be used inside $or.', note: 'Operator names cannot be field names inside $or.' },
];
