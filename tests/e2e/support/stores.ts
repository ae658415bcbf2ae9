import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { readPackagedTemplate, type StackName } from '../../../scripts/stacks';

/** Resources of one type in a packaged template, by logical id: what would be deployed. */
export const packagedResources = (stack: StackName, type: string): [string, Record<string, unknown>][] =>
  Object.entries(readPackagedTemplate(stack).Resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([logicalId, resource]) => [logicalId, resource.Properties ?? {}]);

/** A string-valued property of every resource of one type, in every given stack (e.g. every QueueName). */
export const packagedNames = (stacks: readonly StackName[], type: string, property: string): string[] =>
  stacks.flatMap((stack) => packagedResources(stack, type).map(([, properties]) => properties[property])).filter((name): name is string => typeof name === 'string');

/** The `TableName` of the `AWS::DynamoDB::Table` with that logical id in a stack's packaged template. */
export const packagedTableName = (stack: StackName, logicalId: string): string => {
  const found = packagedResources(stack, 'AWS::DynamoDB::Table').find(([id]) => id === logicalId);
  const name = found?.[1].TableName;
  if (typeof name !== 'string') throw new Error(`${stack} declares no AWS::DynamoDB::Table ${logicalId} with a literal TableName`);
  return name;
};

/** Every item of a table, unmarshalled (string sets become `Set`s), read consistently. */
export const scanTable = async <T = Record<string, unknown>>(client: DynamoDBClient, tableName: string): Promise<T[]> => {
  const documents = DynamoDBDocumentClient.from(client);
  const items: T[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: startKey }));
    items.push(...((page.Items ?? []) as T[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
};

/** A payment record (services/payment/src/domain/payments.ts), as far as the invariants read it. */
export interface PaymentItem {
  orderId: string;
  status: 'CHARGING' | 'CHARGED' | 'DECLINED' | 'FAILED' | 'REFUNDED' | 'CANCELLED';
  paymentId?: string;
  refundId?: string;
}

/** A provider ledger entry (services/payment/src/adapters/paymentProvider.ts): one per idempotency key. */
export interface LedgerItem {
  idempotencyKey: string;
  operation: 'charge' | 'refund';
  attempts: number;
  charge?: { orderId: string; outcome: 'succeeded' | 'declined'; paymentId?: string; amount: { amount: number; currency: string } };
  refund?: { idempotencyKey: string; refundId: string };
}

/** A stock item (services/inventory/src/adapters/stockRepository.ts). */
export interface StockItem {
  sku: string;
  available: number;
}

/** A reservation header (`sk = RESERVATION`) or line (`sk = LINE#<sku>`) (reservationRepository.ts). */
export interface ReservationItem {
  orderId: string;
  sk: string;
  status: string;
  sku?: string;
  quantity?: number;
}
