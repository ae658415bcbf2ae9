/**
 * A small seeded generator for fuzz tests: the same seed always yields the same cases, so a failure found once
 * is found again, on any machine, and its report carries what is needed to replay it. The numbers come from
 * `#shared/random` (mulberry32), which spreads cases well enough for testing; it is not for anything secret.
 */
import { mulberry32 } from '#shared/random';

export interface Random {
  /** The seed this generator started from. */
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** `count` distinct items of `items` (all of them when it has fewer), in random order. */
  sample<T>(items: readonly T[], count: number): T[];
  /** `length` code points drawn from `alphabet` (its code points, so astral characters count as one). */
  string(length: number, alphabet: string): string;
}

/**
 * A deterministic random generator.
 *
 * @example
 * ```ts
 * const random = seededRandom(42);
 * const quantity = random.pick([0, -1, 1.5, 100]);
 * ```
 */
export const seededRandom = (seed: number): Random => {
  const next = mulberry32(seed);
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => {
    if (items.length === 0) throw new Error('pick: nothing to pick from');
    return items[int(0, items.length - 1)] as T;
  };
  return {
    seed,
    next,
    int,
    chance: (probability) => next() < probability,
    pick,
    sample: <T>(items: readonly T[], count: number): T[] => {
      const pool = [...items];
      for (let i = pool.length - 1; i > 0; i--) {
        const j = int(0, i);
        [pool[i], pool[j]] = [pool[j] as T, pool[i] as T];
      }
      return pool.slice(0, count);
    },
    string: (length, alphabet) => {
      // Code points, not UTF-16 units: an astral character must never be cut into a lone surrogate.
      const characters = Array.from(alphabet);
      return Array.from({ length }, () => pick(characters)).join('');
    },
  };
};

/** The seed of run `run` of a fuzz started from `seed`: every run replays on its own. @internal */
export const runSeed = (seed: number, run: number): number => {
  // murmur3's finaliser: neighbouring runs get unrelated seeds.
  let h = (seed ^ Math.imul(run + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
};

/**
 * The seed a fuzz test uses: `fallback`, fixed in the test so every run checks the same cases, unless
 * `FUZZ_SEED` is set to explore others (a failure report names the seed to set).
 */
export const fuzzSeed = (fallback: number, env: NodeJS.ProcessEnv = process.env): number => {
  const raw = env.FUZZ_SEED;
  if (raw === undefined || raw === '') return fallback;
  const seed = Number(raw);
  if (!Number.isSafeInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, got "${raw}"`);
  return seed;
};

/** A long text cut to its head and tail, so a report of a megabyte-sized case stays readable. */
export const preview = (text: string, max = 600): string =>
  text.length <= max ? text : `${text.slice(0, max / 2)}…(${text.length - max} more characters)…${text.slice(-max / 2)}`;

export interface FuzzOptions<T> {
  seed: number;
  runs: number;
  /** Builds the case of one run from its own generator. */
  generate: (random: Random) => T;
  /** Throws (a failed `expect`) when the case breaks the property. */
  check: (input: T) => void | Promise<void>;
  /** How a failing case is shown; keep it short (see {@link preview}). */
  show: (input: T) => string;
  /** How many failures the report spells out; the rest are counted. */
  reportLimit?: number;
}

/**
 * Checks a property on `runs` generated cases. Runs every case, then throws one error naming the seed, each
 * failing run and its case, so a failure can be replayed and the whole damage is seen at once.
 *
 * @example
 * ```ts
 * await fuzz({ seed: 7, runs: 200, generate: (random) => random.int(-5, 5), check: (n) => expect(abs(n)).toBeGreaterThanOrEqual(0), show: String });
 * ```
 */
export const fuzz = async <T>({ seed, runs, generate, check, show, reportLimit = 3 }: FuzzOptions<T>): Promise<void> => {
  const failures: string[] = [];
  for (let run = 0; run < runs; run++) {
    const input = generate(seededRandom(runSeed(seed, run)));
    try {
      await check(input);
    } catch (error) {
      failures.push(`run ${run}:\n${show(input)}\n${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (failures.length === 0) return;
  const shown = failures.slice(0, reportLimit).join('\n\n');
  const more = failures.length > reportLimit ? `\n\n…and ${failures.length - reportLimit} more` : '';
  throw new Error(`${failures.length} of ${runs} cases failed (seed ${seed}; replay with FUZZ_SEED=${seed})\n\n${shown}${more}`);
};
