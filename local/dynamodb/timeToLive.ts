import { ConditionalCheckFailedException, DeleteItemCommand, ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** A table's `TimeToLiveSpecification`, with the key attributes a deletion names. */
export interface TimeToLiveTable {
  tableName: string;
  attributeName: string;
  keyAttributes: readonly string[];
}

/** DynamoDB "does not delete items with a TTL value more than five years in the past". */
const FIVE_YEARS_SECONDS = 5 * 365 * 24 * 60 * 60;

/**
 * DynamoDB's Time to Live, which dynalite lacks: an item whose TTL attribute is a Number of epoch seconds in
 * the past (by at most five years) is deleted. AWS does it in the background, typically within a few days,
 * so until then reads still see the item (a condition must treat an expired item as absent); the sweeper
 * does it every few seconds, or on demand (`sweep`), so that tests see both: the expired item before a sweep,
 * and its absence after one. An item rewritten with a new TTL since the scan is left alone (the delete is
 * conditional on the value the scan saw), as AWS never deletes an item that is no longer expired.
 *
 * @example
 * ```ts
 * const sweeper = new TimeToLiveSweeper(client);
 * sweeper.add({ tableName: 'replays', attributeName: 'expiresAt', keyAttributes: ['signature'] });
 * await sweeper.sweep(); // the number of items deleted
 * ```
 */
export class TimeToLiveSweeper {
  private readonly tables: TimeToLiveTable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly now: () => number = Date.now,
  ) {}

  add(table: TimeToLiveTable): void {
    this.tables.push(table);
  }

  listTables(): readonly TimeToLiveTable[] {
    return this.tables;
  }

  /** Sweeps every `intervalMs` until `stop`; a failed sweep goes to `onError` and the next one tries again. */
  start(intervalMs: number, onError: (error: unknown) => void): void {
    if (this.tables.length === 0 || this.timer) return;
    this.timer = setInterval(() => void this.sweep().catch(onError), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Deletes every expired item now; resolves with how many. A sweep asked for while one runs joins it. */
  sweep(): Promise<number> {
    this.running ??= this.sweepAll().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async sweepAll(): Promise<number> {
    let deleted = 0;
    for (const table of this.tables) deleted += await this.sweepTable(table);
    return deleted;
  }

  private async sweepTable(table: TimeToLiveTable): Promise<number> {
    const nowSeconds = Math.floor(this.now() / 1000);
    const names = { '#ttl': table.attributeName, ...Object.fromEntries(table.keyAttributes.map((name, i) => [`#k${i}`, name])) };
    let deleted = 0;
    let exclusiveStartKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({
          TableName: table.tableName,
          // A comparison with a Number matches Number attributes only: a TTL attribute of another type never expires, as on AWS.
          FilterExpression: '#ttl < :now AND #ttl >= :oldest',
          ProjectionExpression: ['#ttl', ...table.keyAttributes.map((_, i) => `#k${i}`)].join(', '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':now': { N: String(nowSeconds) }, ':oldest': { N: String(nowSeconds - FIVE_YEARS_SECONDS) } },
          ExclusiveStartKey: exclusiveStartKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const expiry = item[table.attributeName];
        if (!expiry) continue;
        try {
          await this.client.send(
            new DeleteItemCommand({
              TableName: table.tableName,
              Key: Object.fromEntries(table.keyAttributes.map((name) => [name, item[name] as AttributeValue])),
              ConditionExpression: '#ttl = :seen',
              ExpressionAttributeNames: { '#ttl': table.attributeName },
              ExpressionAttributeValues: { ':seen': expiry },
            }),
          );
          deleted += 1;
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }
      }
      exclusiveStartKey = page.LastEvaluatedKey;
    } while (exclusiveStartKey);
    return deleted;
  }
}
