import { apiFaultRows } from '../../../../scripts/chaos/report';

describe('apiFaultRows', () => {
  it('names the service, the fault and the operations it hit, most hit first, with its count against its base', () => {
    const rows = apiFaultRows([
      { service: 'dynamodb', fault: 'ThrottlingException', injected: 123, base: 45_678, of: 'DynamoDB requests', byOperation: { GetItem: 20, UpdateItem: 70, PutItem: 33 } },
      { service: 'sqs', fault: 'RequestThrottled', injected: 2, base: 80, of: 'SendMessage/DeleteMessage requests', byOperation: { 'event source mapping DeleteMessageBatch': 2 } },
    ]);

    expect(rows).toEqual([
      ['DynamoDB ThrottlingException (UpdateItem, PutItem, GetItem)', '123 of 45678 DynamoDB requests (0.3%)'],
      ['SQS RequestThrottled (event source mapping DeleteMessageBatch)', '2 of 80 SendMessage/DeleteMessage requests (2.5%)'],
    ]);
  });

  it('names no operation and a zero share when the fault never hit and nothing was decided', () => {
    const rows = apiFaultRows([{ service: 'states', fault: 'ThrottlingException', injected: 0, base: 0, of: 'StartExecution/SendTask* requests', byOperation: {} }]);

    expect(rows).toEqual([['Step Functions ThrottlingException', '0 of 0 StartExecution/SendTask* requests (0%)']]);
  });
});
