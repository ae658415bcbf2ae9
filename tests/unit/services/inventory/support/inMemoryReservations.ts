import {
  requiredState,
  SETTLES_FROM,
  type LineMove,
  type Reservation,
  type ReservationLine,
  type ReservationRepository,
  type Settlement,
  type StockLine,
} from '../../../../../services/inventory/src/domain/reservation';

/** The reservations table's semantics in memory, following the same domain rules as the adapter. */
export class InMemoryReservations implements ReservationRepository {
  readonly headers = new Map<string, Reservation>();
  readonly lines = new Map<string, ReservationLine>();

  private static key(orderId: string, sku: string) {
    return `${orderId}#${sku}`;
  }

  begin(reservation: { orderId: string; lines: StockLine[]; causationId: string; startedAt: string }): Promise<Reservation> {
    const existing = this.headers.get(reservation.orderId);
    if (existing) return Promise.resolve({ ...existing });
    const created: Reservation = { ...reservation, status: 'RESERVING' };
    this.headers.set(reservation.orderId, created);
    return Promise.resolve({ ...created });
  }

  settle(orderId: string, settlement: Settlement): Promise<Reservation> {
    const header = this.headers.get(orderId);
    if (!header) return Promise.reject(new Error(`order ${orderId} has no reservation`));
    if ((SETTLES_FROM[settlement.status] as readonly string[]).includes(header.status)) {
      header.status = settlement.status;
      if (settlement.status === 'RESERVED') header.reservedAt ??= settlement.at;
      else {
        header.failedAt ??= settlement.at;
        header.failure ??= settlement.failure;
      }
    }
    return Promise.resolve({ ...header });
  }

  cancel(orderId: string, { causationId, cancelledAt }: { causationId: string; cancelledAt: string }): Promise<Reservation> {
    const header = this.headers.get(orderId) ?? { orderId, status: 'CANCELLED' };
    header.status = 'CANCELLED';
    header.cancelledAt ??= cancelledAt;
    header.cancelledBy ??= causationId;
    this.headers.set(orderId, header);
    return Promise.resolve({ ...header });
  }

  createLine({ orderId, sku, quantity }: { orderId: string; sku: string; quantity: number }): Promise<ReservationLine> {
    const key = InMemoryReservations.key(orderId, sku);
    const existing = this.lines.get(key);
    if (existing) return Promise.resolve({ ...existing });
    const line: ReservationLine = { orderId, sku, quantity, status: 'PENDING' };
    this.lines.set(key, line);
    return Promise.resolve({ ...line });
  }

  getLine(orderId: string, sku: string): Promise<ReservationLine | undefined> {
    const line = this.lines.get(InMemoryReservations.key(orderId, sku));
    return Promise.resolve(line && { ...line });
  }

  linesOf(orderId: string): Promise<ReservationLine[]> {
    return Promise.resolve([...this.lines.values()].filter((line) => line.orderId === orderId).map((line) => ({ ...line })));
  }

  moveLine(orderId: string, sku: string, move: LineMove): Promise<boolean> {
    const line = this.lines.get(InMemoryReservations.key(orderId, sku));
    const required = requiredState(move);
    if (!line || line.status !== required.status || (required.releasedBy !== undefined && line.releasedBy !== required.releasedBy)) {
      return Promise.resolve(false);
    }
    line.status = move.to;
    if (move.to === 'FAILED') line.reason = move.reason;
    if (move.to === 'RELEASING') {
      line.releasedBy = move.releasedBy;
      line.releasedFrom = move.from;
    }
    if (move.to === 'RELEASED') {
      line.releasedAt = move.releasedAt;
      line.stockReturned = move.stockReturned;
    }
    return Promise.resolve(true);
  }

  /** Test helper: a line as stored. */
  line(orderId: string, sku: string): ReservationLine | undefined {
    return this.lines.get(InMemoryReservations.key(orderId, sku));
  }
}
