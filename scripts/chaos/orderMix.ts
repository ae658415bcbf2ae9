import { seededRandom } from '../../local/seededFaults';
import { STOCK_SEED } from '../../services/inventory/src/domain/stockSeed';

/** A final state an order may reach: a status, and for a cancellation its reason. */
export interface Outcome {
  status: 'COMPLETED' | 'CANCELLED';
  reason?: string;
}

export interface PlannedOrder {
  index: number;
  scenario: ScenarioName;
  /**
   * The customer who places it: the subject of the token the run signs for it, which the order service takes
   * as the customer id. Its prefix chooses the simulated payment provider's answer (`cus_declined…`).
   */
  customerId: string;
  idempotencyKey: string;
  body: {
    lines: { sku: string; quantity: number }[];
    shippingAddress: { name: string; line1: string; city: string; postalCode: string; country: string };
  };
  /** Every outcome that is right for this order; more than one only where stock is contended. */
  acceptable: Outcome[];
  /** How many times the client sends the POST with the same Idempotency-Key (1 = once). */
  posts: number;
}

const completed: Outcome = { status: 'COMPLETED' };
const cancelled = (reason: string): Outcome => ({ status: 'CANCELLED', reason });

/**
 * The scenarios, chosen through ordinary order data as the simulators read it: the customer id (the subject
 * of the token the order is placed with) picks the
 * payment provider's behaviour (services/payment/README.md), the postal code the carrier's
 * (services/shipping/README.md), the SKUs inventory's. `alsoRight`: the provider's scripted failures use two
 * of the charge task's three retries, so two injected Lambda faults on top exhaust them and the order is
 * rightly cancelled PAYMENT_FAILED.
 */
const SCENARIOS = {
  success: { weight: 30, customer: 'cus_chaos', postalCode: 'N1 9GU', outcome: completed },
  'carrier swaps reports': { weight: 8, customer: 'cus_chaos', postalCode: 'SWAP 1AA', outcome: completed },
  'carrier echoes reports': { weight: 8, customer: 'cus_chaos', postalCode: 'ECHO 1AA', outcome: completed },
  'carrier flaky booking': { weight: 4, customer: 'cus_chaos', postalCode: 'FLAKY 1AA', outcome: completed },
  'carrier down': { weight: 2, customer: 'cus_chaos', postalCode: 'DOWN 1AA', outcome: cancelled('SHIPMENT_FAILED') },
  'provider flaky': { weight: 4, customer: 'cus_flaky2', postalCode: 'N1 9GU', outcome: completed, alsoRight: cancelled('PAYMENT_FAILED') },
  'provider replies lost': { weight: 4, customer: 'cus_timeout2', postalCode: 'N1 9GU', outcome: completed, alsoRight: cancelled('PAYMENT_FAILED') },
  'card declined': { weight: 6, customer: 'cus_declined', postalCode: 'N1 9GU', outcome: cancelled('PAYMENT_DECLINED') },
  'insufficient funds': { weight: 3, customer: 'cus_broke', postalCode: 'N1 9GU', outcome: cancelled('PAYMENT_DECLINED') },
  'sold out': { weight: 6, customer: 'cus_chaos', postalCode: 'N1 9GU', outcome: cancelled('OUT_OF_STOCK') },
  'limited edition': { weight: 5, customer: 'cus_chaos', postalCode: 'N1 9GU', outcome: completed },
  'parcel lost': { weight: 6, customer: 'cus_chaos', postalCode: 'LOST 404', outcome: cancelled('SHIPMENT_FAILED') },
  'parcel stuck': { weight: 5, customer: 'cus_chaos', postalCode: 'STUCK 1AA', outcome: cancelled('SHIPMENT_FAILED') },
  'carrier rejects': { weight: 5, customer: 'cus_chaos', postalCode: 'REJECT 1AA', outcome: cancelled('SHIPMENT_FAILED') },
} as const satisfies Record<string, { weight: number; customer: string; postalCode: string; outcome: Outcome; alsoRight?: Outcome }>;

export type ScenarioName = keyof typeof SCENARIOS;
export const SCENARIO_NAMES = Object.keys(SCENARIOS) as ScenarioName[];

const SOLD_OUT_SKU = 'seasonal-gift-box';
const LIMITED_SKU = 'limited-edition-beans';

export interface OrderMixOptions {
  orders: number;
  seed: number | string;
  /** Share of orders whose POST the client sends more than once, concurrently, with the same key. */
  duplicatePostRate: number;
}

/**
 * N orders mixing every scenario, deterministic for a seed. Stock is finite, so the mix keeps each order's
 * outcome checkable: ordinary lines are drawn only from SKUs whose remaining budget still covers them even if
 * every order held its units at once (releases of cancelled orders may come late). An order that finds no
 * budget left — a run larger than the catalogue — and the limited-edition orders (three units for many
 * buyers) may end either COMPLETED or CANCELLED OUT_OF_STOCK; the invariants decide whether the count is right.
 *
 * @example
 * ```ts
 * for (const order of planOrders({ orders: 100, seed: 7, duplicatePostRate: 0.1 })) console.log(order.scenario);
 * ```
 */
export const planOrders = ({ orders, seed, duplicatePostRate }: OrderMixOptions): PlannedOrder[] => {
  const random = seededRandom(seed, 'order-mix');
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const budget = new Map(STOCK_SEED.filter(({ sku }) => sku !== SOLD_OUT_SKU && sku !== LIMITED_SKU).map(({ sku, available }) => [sku, available]));
  const totalWeight = SCENARIO_NAMES.reduce((sum, name) => sum + SCENARIOS[name].weight, 0);

  const scenarioAt = (roll: number): ScenarioName => {
    let left = roll * totalWeight;
    for (const name of SCENARIO_NAMES) {
      left -= SCENARIOS[name].weight;
      if (left < 0) return name;
    }
    return 'success';
  };

  /** One to two ordinary lines within budget, or a contended line when the budget is spent. */
  const ordinaryLines = (): { lines: { sku: string; quantity: number }[]; contended: boolean } => {
    const count = 1 + Math.floor(random() * 2);
    const lines: { sku: string; quantity: number }[] = [];
    for (let i = 0; i < count; i++) {
      const quantity = 1 + Math.floor(random() * 2);
      const affordable = [...budget].filter(([sku, left]) => left >= quantity && !lines.some((line) => line.sku === sku)).map(([sku]) => sku);
      if (affordable.length === 0) continue;
      const sku = pick(affordable);
      budget.set(sku, (budget.get(sku) ?? 0) - quantity);
      lines.push({ sku, quantity });
    }
    if (lines.length > 0) return { lines, contended: false };
    return { lines: [{ sku: pick([...budget.keys()]), quantity: 1 }], contended: true };
  };

  return Array.from({ length: orders }, (_, index): PlannedOrder => {
    const scenario = scenarioAt(random());
    const definition: { customer: string; postalCode: string; outcome: Outcome; alsoRight?: Outcome } = SCENARIOS[scenario];
    const { customer, postalCode, outcome } = definition;
    const { lines, contended } = ordinaryLines();
    const special =
      scenario === 'sold out' ? [{ sku: SOLD_OUT_SKU, quantity: 1 }] : scenario === 'limited edition' ? [{ sku: LIMITED_SKU, quantity: 1 }] : [];
    const mayRunOut = contended || scenario === 'limited edition';
    const posts = random() < duplicatePostRate ? 2 + Math.floor(random() * 2) : 1;
    return {
      index,
      scenario,
      customerId: `${customer}_${index}`,
      // Unique per run and order, and at least the 16 characters the order API asks of a key.
      idempotencyKey: `chaos-seed-${String(seed)}-order-${index}`,
      body: {
        lines: [...lines, ...special],
        shippingAddress: { name: 'Ada Lovelace', line1: '12 Analytical Row', city: 'London', postalCode, country: 'GB' },
      },
      // Any failure cancels at once, so a stock failure may overtake the scenario's own outcome.
      acceptable: [
        outcome,
        ...(definition.alsoRight ? [definition.alsoRight] : []),
        ...(mayRunOut && outcome.reason !== 'OUT_OF_STOCK' ? [cancelled('OUT_OF_STOCK')] : []),
      ],
      posts,
    };
  });
};
