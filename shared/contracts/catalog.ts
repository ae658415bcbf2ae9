import type { EventContract } from './eventContract';
import { orderCancelled } from './events/orderCancelled';
import { orderCompleted } from './events/orderCompleted';
import { orderConfirmed } from './events/orderConfirmed';
import { orderPlaced } from './events/orderPlaced';
import { paymentDeclined } from './events/paymentDeclined';
import { paymentFailed } from './events/paymentFailed';
import { paymentRefunded } from './events/paymentRefunded';
import { paymentSucceeded } from './events/paymentSucceeded';
import { shipmentCancelled } from './events/shipmentCancelled';
import { shipmentCreated } from './events/shipmentCreated';
import { shipmentDelivered } from './events/shipmentDelivered';
import { shipmentDispatched } from './events/shipmentDispatched';
import { shipmentFailed } from './events/shipmentFailed';
import { stockReleased } from './events/stockReleased';
import { stockReservationFailed } from './events/stockReservationFailed';
import { stockReserved } from './events/stockReserved';

/** Every event type on the bus, in saga order. The catalog page and JSON Schemas are generated from it. */
export const catalog: readonly EventContract[] = [
  orderPlaced,
  paymentSucceeded,
  paymentDeclined,
  paymentFailed,
  stockReserved,
  stockReservationFailed,
  orderConfirmed,
  shipmentCreated,
  shipmentDispatched,
  shipmentDelivered,
  shipmentFailed,
  orderCompleted,
  orderCancelled,
  paymentRefunded,
  stockReleased,
  shipmentCancelled,
] as const;
