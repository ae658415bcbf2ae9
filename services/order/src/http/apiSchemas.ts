import { z } from 'zod';
import { orderIdSchema } from '#shared/contracts';
import { COMPENSATIONS } from '../domain/compensation';
import { INCOMPLETE_STATUSES } from '../domain/incompleteOrders';
import { ORDER_STATUSES } from '../domain/order';
import { orderViewSchema } from '../domain/orderView';
import { orderRequestSchema } from '../domain/orderRequest';

/**
 * The order API's request and response bodies as zod schemas: the OpenAPI document (`npm run generate`,
 * docs/openapi/order.json) is generated from them, and the handlers' tests check each answer against its
 * schema, so the document says what the functions do.
 */

/** The body of `POST /orders`. */
export { orderRequestSchema };

/** What `GET /orders/{orderId}` answers its customer. */
export { orderViewSchema };

/** `202` to `POST /orders`: the order id, its status, and where to read it (also in `Location`). */
export const orderAcceptedSchema = z
  .object({
    orderId: orderIdSchema,
    status: z.enum(ORDER_STATUSES),
    url: z.string().meta({ description: 'GET this path (the Location header) for the order.', examples: ['/orders/ord_4bT9kQ2mX7pL1vN8rS5wZ3c'] }),
  })
  .strict()
  .meta({ description: 'The order was accepted (or, for a retry under the same Idempotency-Key, found).' });

/** Every 4xx the functions answer: the problems, joined in `message` and one by one in `issues`. */
export const problemSchema = z
  .object({
    message: z.string(),
    issues: z.array(z.string()).meta({ description: 'Each problem, naming its field: `lines[1].quantity: must be ≥ 1`.' }),
  })
  .strict()
  .meta({ description: 'What is wrong with the request, field by field.' });

/** 401 (API Gateway's own, or a handler's), 403, 429, 500 and 503: a message only. */
export const messageSchema = z.object({ message: z.string() }).meta({ description: 'What happened, in a sentence.' });

const overdueSeconds = z.number().int().nonnegative();
const summarySchema = z
  .object({
    payment: z.string(),
    stock: z.string(),
    shipment: z.string(),
  })
  .meta({ description: 'Where payment, stock and shipment stand (as in the order view).' });

/** `GET /operations/orders/incomplete`: the incomplete-orders report (domain/incompleteOrders.ts). */
export const incompleteOrdersReportSchema = z
  .object({
    checkedAt: z.iso.datetime({ offset: true }),
    stuck: z.array(
      z.object({
        orderId: orderIdSchema,
        status: z.enum(INCOMPLETE_STATUSES as [string, ...string[]]),
        phase: z.enum(['OUTCOMES', 'SHIPMENT']),
        awaiting: z.string().meta({ description: 'What would move it on: the outcomes missing, or the workflow step never applied.' }),
        waitingSince: z.iso.datetime({ offset: true }).optional(),
        outcomes: summarySchema,
        recorded: z.array(z.string()),
        lastEvent: z
          .object({ detailType: z.string(), source: z.string(), occurredAt: z.iso.datetime({ offset: true }), recordedAt: z.iso.datetime({ offset: true }) })
          .optional(),
        placedAt: z.iso.datetime({ offset: true }),
        deadline: z.iso.datetime({ offset: true }),
        overdueSeconds,
      }),
    ),
    compensationOwed: z.array(
      z.object({
        orderId: orderIdSchema,
        cancellationReason: z.string().optional(),
        cancelledAt: z.iso.datetime({ offset: true }).optional(),
        owed: z.array(z.enum(COMPENSATIONS.map((row) => row.owed) as [string, ...string[]])),
        dueBy: z.iso.datetime({ offset: true }),
        overdueSeconds,
      }),
    ),
    summary: z.object({
      stuck: z.number().int().nonnegative(),
      compensationOwed: z.number().int().nonnegative(),
      byStatus: z.record(z.string(), z.number().int()),
      byAwaiting: z.record(z.string(), z.number().int()),
      oldestOverdueSeconds: overdueSeconds,
    }),
  })
  .meta({ description: 'Orders stuck past their deadline (most overdue first) and cancelled orders still owed a compensation.' });
