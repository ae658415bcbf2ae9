import type { SeedMode, StockItem, StockRepository, TakeResult } from '../../../../../services/inventory/src/domain/stock';

interface Stored {
  item: StockItem;
  pendingOperations: Set<string>;
}

/** The stock table's semantics in memory: each method is one atomic step, as each adapter call is one write. */
export class InMemoryStock implements StockRepository {
  readonly items = new Map<string, Stored>();

  constructor(items: readonly StockItem[] = []) {
    for (const item of items) this.items.set(item.sku, { item: { ...item }, pendingOperations: new Set() });
  }

  available(sku: string): number | undefined {
    return this.items.get(sku)?.item.available;
  }

  /** Test helper: sets a count directly, as a delivery of new stock would. */
  restock(sku: string, available: number): void {
    const stored = this.items.get(sku);
    if (stored) stored.item.available = available;
  }

  pending(sku: string): string[] {
    return [...(this.items.get(sku)?.pendingOperations ?? [])];
  }

  take(sku: string, quantity: number, operationId: string): Promise<TakeResult> {
    const stored = this.items.get(sku);
    if (!stored) return Promise.resolve('UNKNOWN_SKU');
    if (stored.pendingOperations.has(operationId)) return Promise.resolve('TAKEN');
    if (stored.item.available < quantity) return Promise.resolve('OUT_OF_STOCK');
    stored.item.available -= quantity;
    stored.pendingOperations.add(operationId);
    return Promise.resolve('TAKEN');
  }

  undoTake(sku: string, quantity: number, operationId: string): Promise<boolean> {
    const stored = this.items.get(sku);
    if (!stored?.pendingOperations.has(operationId)) return Promise.resolve(false);
    stored.item.available += quantity;
    stored.pendingOperations.delete(operationId);
    return Promise.resolve(true);
  }

  putBack(sku: string, quantity: number, operationId: string): Promise<void> {
    const stored = this.items.get(sku);
    if (!stored) return Promise.reject(new Error(`cannot put back ${sku}: not stocked`));
    if (!stored.pendingOperations.has(operationId)) {
      stored.item.available += quantity;
      stored.pendingOperations.add(operationId);
    }
    return Promise.resolve();
  }

  forget(sku: string, operationId: string): Promise<void> {
    this.items.get(sku)?.pendingOperations.delete(operationId);
    return Promise.resolve();
  }

  get(sku: string): Promise<StockItem | undefined> {
    const stored = this.items.get(sku);
    return Promise.resolve(stored && { ...stored.item });
  }

  seed(items: readonly StockItem[], mode: SeedMode): Promise<string[]> {
    const written: string[] = [];
    for (const item of items) {
      if (mode === 'missing-only' && this.items.has(item.sku)) continue;
      this.items.set(item.sku, { item: { ...item }, pendingOperations: new Set() });
      written.push(item.sku);
    }
    return Promise.resolve(written);
  }
}
