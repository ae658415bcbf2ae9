import type { OutgoingEvent } from '#shared/contracts';
import type { Publisher } from '#shared/publisher';

/** A Publisher that keeps what it was given; `failures` makes the next calls throw, one error per call. */
export class RecordingPublisher implements Publisher {
  readonly events: OutgoingEvent[] = [];
  readonly failures: Error[] = [];

  publish(events: readonly OutgoingEvent[]): Promise<void> {
    const failure = this.failures.shift();
    if (failure) return Promise.reject(failure);
    this.events.push(...events);
    return Promise.resolve();
  }

  ofType(detailType: string): OutgoingEvent[] {
    return this.events.filter((event) => event.detailType === detailType);
  }
}
