import '../support/environment';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { priceOf } from '../../../../../services/order/src/domain/priceList';
import { MAX_BODY_BYTES } from '../../../../../services/order/src/http/apiHandler';
import { makeHandler } from '../../../../../services/order/src/handlers/placeOrder';
import { fuzz, fuzzSeed, preview, type Random } from '../../../../support/fuzz';
import { lambdaContext, NOW, postOrder, SERVICE_EVENTS, testOrderId, TIMEOUTS } from '../support/events';
import { disabledTracer, InMemoryKeys, InMemoryOrders, RecordingWorkflows, silentLogger } from '../support/fakes';

/*
 * POST /orders must turn every malformed request into a 4xx that names what to fix, and never store an order
 * or start a workflow for it: a 5xx would tell the client to retry a request that can never succeed, and a
 * stored half-valid order would be published and fail in every consumer. The cases are mutations of the
 * sample body, generated from a fixed seed (set FUZZ_SEED to explore others).
 */
const SEED = fuzzSeed(20_261_125);

type Path = readonly (string | number)[];

/** A JSON token written as is: what JSON.stringify cannot produce (1e400, -0.0) or would recurse on. */
class RawJson {
  constructor(readonly text: string) {}
}

type Json = null | boolean | number | string | RawJson | Json[] | { [key: string]: Json };
type JsonObject = Record<string, Json>;

interface Case {
  /** What was done to the sample, for the failure report. */
  labels: string[];
  /** The request body as sent; `undefined` sends none. */
  body: string | undefined;
  base64?: boolean;
  idempotencyKey?: string | undefined;
  status: 400 | 422;
  /** Words the answer's `message` must contain: the path of each mutated field, or the problem. */
  names: string[];
}

const sampleBody = (): JsonObject => JSON.parse(readFileSync(join(SERVICE_EVENTS, 'order-request.json'), 'utf8')) as JsonObject;

const serialize = (value: Json): string => {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(serialize).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}:${serialize(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
};

/** How the API names a field to a client: `lines[1].quantity`, `shippingAddress.country`; the body is `body`. */
const named = (path: Path): string =>
  path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${key}` : key), '') || 'body';

const isPrefix = (prefix: Path, path: Path) => prefix.length <= path.length && prefix.every((key, i) => path[i] === key);

const nodeAt = (body: JsonObject, path: Path): Record<string | number, Json> => {
  let node: Json = body;
  for (const key of path) node = (node as Record<string | number, Json>)[key] as Json;
  return node as Record<string | number, Json>;
};

const parentOf = (body: JsonObject, path: Path) => nodeAt(body, path.slice(0, -1));

/** Sets an own property, `__proto__` included (plain assignment would change the prototype instead). */
const put = (target: Record<string | number, Json>, key: string | number, value: Json) =>
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });

const setAt = (body: JsonObject, path: Path, value: Json) => put(parentOf(body, path), path[path.length - 1] as string | number, value);

const deleteAt = (body: JsonObject, path: Path) => {
  const parent = parentOf(body, path);
  const key = path[path.length - 1] as string | number;
  if (Array.isArray(parent)) throw new Error(`cannot delete array element ${named(path)}`);
  // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- the field to remove is the mutation
  delete parent[key];
};

// ----- the order request's fields, as its API documents them -----

const LINE_INDEXES = [0, 1];
const STRING_LIMITS: { path: Path; max: number }[] = [
  { path: ['shippingAddress', 'name'], max: 100 },
  { path: ['shippingAddress', 'line1'], max: 200 },
  { path: ['shippingAddress', 'city'], max: 100 },
  { path: ['shippingAddress', 'postalCode'], max: 20 },
];
const SKUS: Path[] = LINE_INDEXES.map((i) => ['lines', i, 'sku']);
const QUANTITIES: Path[] = LINE_INDEXES.map((i) => ['lines', i, 'quantity']);
const COUNTRY: Path = ['shippingAddress', 'country'];
const STRING_FIELDS: Path[] = [...STRING_LIMITS.map(({ path }) => path), ...SKUS, COUNTRY];
const CONTAINERS: Path[] = [['lines'], ...LINE_INDEXES.map((i) => ['lines', i]), ['shippingAddress']];
const REQUIRED: Path[] = [...STRING_FIELDS, ...QUANTITIES, ...CONTAINERS];

// ----- junk -----

const ASCII = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.,;:!?@#$%&*()[]{}<>/\\\'"`~^|+=';
const NON_ASCII = 'éøßñçüÅ中文字日本語한국어ДЖЯλΩعربيעברית😀☕🇬🇧\u200d\u202e\u0007\ufffd';
const UNICODE = `${NON_ASCII}\u200b\u0000\ufeff`;

const deepJunk = (random: Random): RawJson => {
  const depth = random.pick([100, 1_000, 10_000, 100_000]);
  return random.chance(0.5)
    ? new RawJson('['.repeat(depth) + ']'.repeat(depth))
    : new RawJson('{"a":'.repeat(depth) + 'null' + '}'.repeat(depth));
};

const junkValue = (random: Random): Json =>
  random.pick<() => Json>([
    () => null,
    () => random.pick([true, false]),
    () => random.pick([0, -1, 1.5, 1e308, Number.MAX_SAFE_INTEGER]),
    () => random.string(random.int(0, 20), ASCII + UNICODE),
    () => [],
    () => ({ nested: { deeper: [1, 'two', null] } }),
    () => deepJunk(random),
  ])();

/** A string of more than `max` characters (code points, as the API counts them: 😀 is one); up to a megabyte. */
const longString = (random: Random, max: number): string => {
  const target = random.chance(0.7) ? max + random.int(1, 50) : max + random.int(1_000, 1_000_000);
  const alphabet = random.pick(['abcdefghijklmnopqrstuvwxyz', 'é中😀', ASCII + UNICODE]);
  const chunk = random.string(64, alphabet);
  return chunk.repeat(Math.ceil(target / 64));
};

const wrongTypeFor = (random: Random, path: Path): Json => {
  const last = path[path.length - 1];
  if (last === 'quantity') return random.pick<Json>(['2', '', 'two', true, [2], { value: 2 }, null]);
  if (last === 'lines') return random.pick<Json>([{}, { 0: { sku: 'grinder', quantity: 1 } }, 'grinder', 2, true]);
  if (last === 'shippingAddress') return random.pick<Json>(['12 Analytical Row, London', 42, [], [{}], false]);
  if (typeof last === 'number') return random.pick<Json>(['espresso-beans-1kg', 2, true, [], [['sku', 'grinder']]]);
  return random.pick<Json>([42, 0, -1, 1.5, true, false, [], ['cus_42'], {}, { value: 'x' }]);
};

const BAD_QUANTITIES: Json[] = [
  0, -1, -99, -1e9, 0.5, 1.5, 98.9, 2.0000001, 100, 1_000, 1e9, 1e21, 2 ** 53 + 2, Number.MAX_VALUE, Number.MIN_VALUE,
  new RawJson('1e400'), new RawJson('-1e400'), new RawJson('-0.0'),
];
const BAD_SKUS = [
  'ESPRESSO-BEANS-1KG', 'Espresso-beans-1kg', 'espresso beans', 'espresso_beans_1kg', '-espresso', 'e', 'a'.repeat(64),
  'espresso‐beans-1kg', 'espressо-beans-1kg', '☕', 'espresso-beans-1kg\n', ' espresso-beans-1kg', 'espresso-beans-1kg\u200b',
  '../../etc/passwd', "'; DROP TABLE orders; --", '<script>alert(1)</script>', '\u0000', '\ud800', '__proto__',
];
const BAD_COUNTRIES = ['gb', 'Gb', 'GBR', 'G', '12', 'G1', 'ÉÉ', 'ＧＢ', 'G B', ' GB', 'GB ', 'GB\n', '🇬🇧', 'United Kingdom', '\u0000\u0000'];
const EXTRA_KEYS = [
  'customerId', 'note', 'discount', 'status', 'orderId', 'total', 'isAdmin', '$where', '__proto__', 'constructor', 'toString',
  'hasOwnProperty', 'custømer', '名前', '😀', 'customer id', 'a.b', 'lines[0]', '\ud83d',
];
const LINE_EXTRA_KEYS = ['unitPrice', 'price', 'discount', 'note', '__proto__', 'constructor', 'skü'];

const renamed = (random: Random, key: string): string => {
  const homoglyphs: Record<string, string> = { o: 'о', e: 'е', a: 'а', c: 'с', i: 'і' };
  const variants = [
    key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`),
    key.toLowerCase(),
    key.toUpperCase(),
    key.charAt(0).toUpperCase() + key.slice(1),
    `${key} `,
    ` ${key}`,
    key.slice(0, -1),
    `${key}s`,
    key.replace(/[oeaci]/, (letter) => homoglyphs[letter] ?? letter),
    key.replace(/Id$/, 'ID'),
  ].filter((variant) => variant !== key);
  return random.pick(variants);
};

const slug = (random: Random, length: number) =>
  random.string(1, 'abcdefghijklmnopqrstuvwxyz0123456789') + random.string(length - 1, 'abcdefghijklmnopqrstuvwxyz0123456789-');

/** A well-formed sku the shop does not sell. */
const unsoldSku = (random: Random): string => {
  for (;;) {
    const sku = random.chance(0.3) ? random.pick(['constructor', 'tostring', 'hasownproperty', 'espresso-beans-2kg', 'tea-pot']) : slug(random, random.int(2, 63));
    if (priceOf(sku) === undefined) return sku;
  }
};

// ----- mutations of fields: each touches one region of the body and names the fields it broke -----

interface Mutation {
  label: string;
  /** The part of the body it touches; mutations of overlapping regions are not combined. */
  region: Path;
  apply(body: JsonObject): void;
  names: string[];
}

const fieldMutations: ((random: Random) => Mutation)[] = [
  (random) => {
    const path = random.pick(REQUIRED.filter((p) => typeof p[p.length - 1] === 'string'));
    return { label: `remove ${named(path)}`, region: path, apply: (body) => deleteAt(body, path), names: [named(path)] };
  },
  (random) => {
    const container = random.pick<Path>([[], ['shippingAddress'], ...LINE_INDEXES.map((i) => ['lines', i])]);
    const key = random.pick(container.length === 2 ? LINE_EXTRA_KEYS : EXTRA_KEYS);
    const value = key === 'unitPrice' ? { amount: 1, currency: 'EUR' } : junkValue(random);
    const path = [...container, key];
    return {
      label: `add ${named(path)} = ${preview(serialize(value), 60)}`,
      region: path,
      apply: (body) => put(nodeAt(body, container), key, value),
      names: [named(path)],
    };
  },
  (random) => {
    const path = random.pick(REQUIRED.filter((p) => typeof p[p.length - 1] === 'string'));
    const key = path[path.length - 1] as string;
    const to = [...path.slice(0, -1), renamed(random, key)];
    return {
      label: `rename ${named(path)} to ${named(to)}`,
      region: path,
      apply: (body) => {
        const parent = parentOf(body, path);
        const value = parent[key] as Json;
        deleteAt(body, path);
        put(parent, to[to.length - 1] as string, value);
      },
      names: [named(path), named(to)],
    };
  },
  (random) => {
    const path = random.pick(REQUIRED);
    const value = wrongTypeFor(random, path);
    return { label: `set ${named(path)} = ${serialize(value)}`, region: path, apply: (body) => setAt(body, path, value), names: [named(path)] };
  },
  (random) => {
    const path = random.pick(REQUIRED);
    return { label: `set ${named(path)} = null`, region: path, apply: (body) => setAt(body, path, null), names: [named(path)] };
  },
  (random) => {
    const path = random.pick([...STRING_FIELDS, ...QUANTITIES]);
    return { label: `set ${named(path)} = ""`, region: path, apply: (body) => setAt(body, path, ''), names: [named(path)] };
  },
  (random) => {
    const { path, max } = random.pick([...STRING_LIMITS, ...SKUS.map((p) => ({ path: p, max: 63 })), { path: COUNTRY, max: 2 }]);
    const value = longString(random, max);
    return { label: `set ${named(path)} to ${Array.from(value).length} characters`, region: path, apply: (body) => setAt(body, path, value), names: [named(path)] };
  },
  (random) => {
    const path = random.pick(QUANTITIES);
    const value = random.pick(BAD_QUANTITIES);
    return { label: `set ${named(path)} = ${serialize(value)}`, region: path, apply: (body) => setAt(body, path, value), names: [named(path)] };
  },
  (random) => {
    const path = random.pick(SKUS);
    const value = random.pick(BAD_SKUS);
    return { label: `set ${named(path)} = ${JSON.stringify(value)}`, region: path, apply: (body) => setAt(body, path, value), names: [named(path)] };
  },
  (random) => {
    const value = random.pick(BAD_COUNTRIES);
    return { label: `set ${named(COUNTRY)} = ${JSON.stringify(value)}`, region: COUNTRY, apply: (body) => setAt(body, COUNTRY, value), names: [named(COUNTRY)] };
  },
  (random) => {
    const count = random.pick([0, 26, random.int(27, 200)]);
    const skus = new Set<string>();
    while (skus.size < count) skus.add(slug(random, random.int(2, 30)));
    const lines = [...skus].map((sku) => ({ sku, quantity: 1 }));
    return { label: `send ${count} lines`, region: ['lines'], apply: (body) => setAt(body, ['lines'], lines), names: ['lines'] };
  },
  (random) => {
    const path = random.pick(REQUIRED);
    const value = deepJunk(random);
    return { label: `set ${named(path)} to deeply nested junk (${value.text.length} characters)`, region: path, apply: (body) => setAt(body, path, value), names: [named(path)] };
  },
];

/** One to three field mutations on disjoint parts of the sample: the answer must name every one. */
const malformedFields = (random: Random): Case => {
  const mutations: Mutation[] = [];
  const wanted = random.pick([1, 1, 2, 3]);
  for (let attempt = 0; mutations.length < wanted && attempt < 20; attempt++) {
    const mutation = random.pick(fieldMutations)(random);
    if (mutations.every(({ region }) => !isPrefix(region, mutation.region) && !isPrefix(mutation.region, region))) mutations.push(mutation);
  }
  const body = sampleBody();
  for (const mutation of mutations) mutation.apply(body);
  return { labels: mutations.map(({ label }) => label), body: serialize(body), status: 400, names: mutations.flatMap(({ names }) => names) };
};

/** A sku sold twice: inventory reserves per line, so the API wants one line per sku. */
const repeatedSku = (random: Random): Case => {
  const body = sampleBody();
  const lines = body.lines as JsonObject[];
  const sku = lines[0]?.sku as string;
  const extra = random.chance(0.5);
  if (extra) lines.push({ sku, quantity: random.int(1, 99) });
  else setAt(body, ['lines', 1, 'sku'], sku);
  const repeated = ['lines', extra ? 2 : 1, 'sku'];
  return { labels: [`repeat ${sku} at ${named(repeated)}`], body: serialize(body), status: 400, names: [named(repeated)] };
};

const malformedBody = (random: Random): Case => {
  const text = serialize(sampleBody());
  const notJson = (label: string, body: string): Case => ({ labels: [label], body, status: 400, names: ['JSON'] });
  const notAnObject = (label: string, value: Json): Case => ({ labels: [label], body: serialize(value), status: 400, names: ['body', 'object'] });
  const kind = random.pick<() => Case>([
    () => notJson('cut short', text.slice(0, random.int(1, text.length - 1))),
    () => notJson('trailing junk', text + random.pick(['}', ']', ',', 'x', '\u0000', ' garbage', '{}', '"'])),
    () => notJson('single quotes', text.replace(/"/g, "'")),
    () => notJson('unquoted keys', text.replace(/"([A-Za-z0-9]+)":/g, '$1:')),
    () => notJson('trailing comma', `${text.slice(0, -1)},}`),
    () => notJson('NaN quantity', text.replace('"quantity":2', '"quantity":NaN')),
    () => notJson('a comment', `// my order\n${text}`),
    () => notJson('a byte-order mark', `\ufeff${text}`),
    () => notJson('a bare word', random.pick(['undefined', 'None', 'True', 'order', 'null,', '{', '}', '[', 'Infinity'])),
    () => notJson('XML', '<order><customerId>cus_42</customerId></order>'),
    () => notJson('a form', 'customerId=cus_42&lines[0][sku]=grinder&lines[0][quantity]=1'),
    () => notJson('binary', `\u0001${random.string(random.int(0, 200), String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i)))}`),
    () => notJson('unicode', `#${random.string(random.int(1, 100), UNICODE)}`),
    () => ({ labels: ['no body'], body: random.pick([undefined, '']), status: 400, names: ['body'] }),
    () => notAnObject('an array', random.pick<Json>([[], [sampleBody()], [1, 2, 3], [null]])),
    () => notAnObject('a scalar', random.pick<Json>([42, -1, 0, 1.5, 'order', '', true, false, null])),
    () => notAnObject('JSON encoded twice', text),
    () => {
      const depth = random.pick([100, 10_000, 100_000]);
      return notAnObject(`arrays nested ${depth} deep`, new RawJson('['.repeat(depth) + ']'.repeat(depth)));
    },
    () => ({ ...notJson('base64 of non-JSON', Buffer.from(`${text}}`).toString('base64')), base64: true }),
    () => ({ ...notAnObject('base64 of an array', []), body: Buffer.from('[]').toString('base64'), base64: true }),
  ]);
  return kind();
};

/** Well-formed lines the shop cannot fulfil: 422 naming each line. */
const unsoldLines = (random: Random): Case => {
  const body = sampleBody();
  const indexes = random.sample(LINE_INDEXES, random.int(1, 2));
  const skus = new Set<string>();
  // Distinct, or the repeated sku would be the (400) problem instead.
  while (skus.size < indexes.length) skus.add(unsoldSku(random));
  [...skus].forEach((sku, n) => setAt(body, ['lines', indexes[n] as number, 'sku'], sku));
  return { labels: indexes.map((i) => `sell ${named(['lines', i, 'sku'])} that is not sold`), body: serialize(body), status: 422, names: indexes.map((i) => named(['lines', i, 'sku'])) };
};

const badIdempotencyKey = (random: Random): Case => {
  const key = random.pick<() => string | undefined>([
    () => undefined,
    () => random.pick(['', ' ', '\t', '  \t ']),
    () => random.string(random.int(1, 15), 'abcdef0123456789-'),
    () => random.string(random.int(129, 5_000), 'abcdef0123456789-'),
    () => `order key ${random.int(1_000_000, 9_999_999)}`,
    () => `order-${random.pick([':', '/', '+', '=', '*', '%', '"', "'", ',', ';', '@', '#', '?', '&'])}-${random.string(16, 'abcdef0123456789')}`,
    () => `order-key-${random.string(random.int(6, 10), NON_ASCII)}`,
    () => `order-key-${random.pick(['\u0000', '\n', '\r', '\u007f', '\u0085', '\u00a0'])}-000001`,
  ])();
  // The header is checked first: with a malformed body too, the answer still names the header.
  const body = random.chance(0.7) ? serialize(sampleBody()) : random.pick(['', '[]', '{"lines":']);
  return { labels: [`Idempotency-Key ${key === undefined ? 'missing' : JSON.stringify(preview(key, 60))}`], body, idempotencyKey: key, status: 400, names: ['Idempotency-Key'] };
};

// ----- the property -----

/** Lambda's limit on a synchronous response: API Gateway answers a bigger one with a 5xx, whatever it said. */
const LAMBDA_RESPONSE_LIMIT_BYTES = 6 * 1024 * 1024;

/** The key every case sends unless it is about the key. */
const FUZZ_KEY = 'fuzz-idempotency-key-1';

const send = async (request: Case) => {
  const orders = new InMemoryOrders();
  const keys = new InMemoryKeys();
  const workflows = new RecordingWorkflows();
  const handler = makeHandler({ orders, keys, workflows, timeouts: TIMEOUTS, logger: silentLogger(), tracer: disabledTracer(), now: () => NOW, newOrderId: () => testOrderId('fuzz') });
  const event: APIGatewayProxyEventV2 = {
    ...postOrder(request.body, { 'idempotency-key': 'idempotencyKey' in request ? request.idempotencyKey : FUZZ_KEY }),
    body: request.body,
    isBase64Encoded: request.base64 ?? false,
  };
  const response = await handler(event, lambdaContext('placeOrder'));
  return { response, orders, keys, workflows };
};

const answersNamingTheProblem = async (request: Case) => {
  const { response, orders, keys, workflows } = await send(request);

  expect(response.statusCode).toBe(request.status);
  expect(Buffer.byteLength(JSON.stringify(response))).toBeLessThanOrEqual(LAMBDA_RESPONSE_LIMIT_BYTES);
  expect(response.headers).toMatchObject({ 'content-type': 'application/json' });
  const answer = JSON.parse(String(response.body)) as { message?: unknown };
  expect(answer.message).toEqual(expect.any(String));
  // A body over the limit is refused before it is parsed: the answer names the limit, not the fields.
  const oversize = request.body !== undefined && Buffer.byteLength(request.base64 ? Buffer.from(request.body, 'base64') : request.body) > MAX_BODY_BYTES;
  const names = oversize ? [`body: must be at most ${MAX_BODY_BYTES} bytes`] : request.names;
  for (const name of names) expect(answer.message).toContain(name);
  expect(orders.items.size).toBe(0);
  expect(keys.items.size).toBe(0);
  expect(workflows.starts).toEqual([]);
};

const show = (request: Case) =>
  [
    `mutations: ${request.labels.join('; ')}`,
    `Idempotency-Key: ${JSON.stringify('idempotencyKey' in request ? request.idempotencyKey : FUZZ_KEY)}`,
    `body${request.base64 ? ' (base64)' : ''}: ${request.body === undefined ? '(none)' : preview(JSON.stringify(request.body))}`,
  ].join('\n');

describe('placeOrder, fuzzed with malformed requests', () => {
  it('answers 400 naming every broken field, and stores nothing, when fields are missing, extra, renamed, mistyped, null, empty, too long, out of range or deeply nested', async () => {
    await fuzz({ seed: SEED, runs: 300, generate: malformedFields, check: answersNamingTheProblem, show });
  });

  it('answers 400 naming the repeated line, and stores nothing, when a sku is ordered on two lines', async () => {
    await fuzz({ seed: SEED + 1, runs: 20, generate: repeatedSku, check: answersNamingTheProblem, show });
  });

  it('answers 400 naming JSON or the body, and stores nothing, when the body is missing, not JSON or not an object', async () => {
    await fuzz({ seed: SEED + 2, runs: 150, generate: malformedBody, check: answersNamingTheProblem, show });
  });

  it('answers 422 naming each line, and stores nothing, when well-formed lines ask for skus the shop does not sell', async () => {
    await fuzz({ seed: SEED + 3, runs: 40, generate: unsoldLines, check: answersNamingTheProblem, show });
  });

  it('answers 400 naming Idempotency-Key, and stores nothing, when the header is missing or invalid', async () => {
    await fuzz({ seed: SEED + 4, runs: 60, generate: badIdempotencyKey, check: answersNamingTheProblem, show });
  });

  // Echoing every unknown field of a 1.1 MB body once gave a 7.5 MB answer, which Lambda refuses (a 5xx for a
  // malformed request): bodies are now bounded before parsing and answers list at most twenty issues.
  it('answers 400 naming the size limit, within Lambda’s response limit, when the body carries 100 000 unknown fields', async () => {
    const body = sampleBody();
    for (let i = 0; i < 100_000; i++) body[`k${i}`] = 0;

    await answersNamingTheProblem({ labels: ['add 100 000 unknown fields'], body: serialize(body), status: 400, names: [] });
  });

  it('lists at most twenty issues and says how many more when a small body breaks many fields', async () => {
    const body = sampleBody();
    for (let i = 0; i < 40; i++) body[`k${i}`] = 0;

    const { response } = await send({ labels: ['add 40 unknown fields'], body: serialize(body), status: 400, names: [] });

    const answer = JSON.parse(String(response.body)) as { issues: string[] };
    expect(answer.issues).toHaveLength(21);
    expect(answer.issues[20]).toMatch(/^…and \d+ more$/);
  });
});
