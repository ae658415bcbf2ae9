import { AwsServiceError } from '../edge/awsJsonProtocol';

/**
 * SQS's errors as its JSON protocol reports them. SQS still speaks its legacy query error codes through
 * `x-amzn-query-error`, and the SDK (in query-compatible mode) reads that header before `__type`: the
 * query code is what picks the exception class (`AWS.SimpleQueueService.NonExistentQueue` →
 * `QueueDoesNotExist`), so each entry carries both, with the HTTP status from the SQS model.
 */
const SQS_ERRORS = {
  QueueDoesNotExist: { query: 'AWS.SimpleQueueService.NonExistentQueue', status: 400 },
  // AWS documents it as QueueAlreadyExists (its query code); the model and the SDK class say QueueNameExists.
  QueueNameExists: { query: 'QueueAlreadyExists', status: 400 },
  QueueDeletedRecently: { query: 'AWS.SimpleQueueService.QueueDeletedRecently', status: 400 },
  PurgeQueueInProgress: { query: 'AWS.SimpleQueueService.PurgeQueueInProgress', status: 403 },
  ReceiptHandleIsInvalid: { query: 'ReceiptHandleIsInvalid', status: 404 },
  MessageNotInflight: { query: 'AWS.SimpleQueueService.MessageNotInflight', status: 400 },
  InvalidAttributeName: { query: 'InvalidAttributeName', status: 400 },
  InvalidAttributeValue: { query: 'InvalidAttributeValue', status: 400 },
  InvalidMessageContents: { query: 'InvalidMessageContents', status: 400 },
  EmptyBatchRequest: { query: 'AWS.SimpleQueueService.EmptyBatchRequest', status: 400 },
  TooManyEntriesInBatchRequest: { query: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest', status: 400 },
  BatchEntryIdsNotDistinct: { query: 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct', status: 400 },
  InvalidBatchEntryId: { query: 'AWS.SimpleQueueService.InvalidBatchEntryId', status: 400 },
  BatchRequestTooLong: { query: 'AWS.SimpleQueueService.BatchRequestTooLong', status: 400 },
  UnsupportedOperation: { query: 'AWS.SimpleQueueService.UnsupportedOperation', status: 400 },
  // Not modelled as shapes: the SDK raises its base SQSServiceException with this `name`.
  InvalidParameterValue: { query: 'InvalidParameterValue', status: 400 },
  MissingParameter: { query: 'MissingParameter', status: 400 },
} as const;

export type SqsErrorCode = keyof typeof SQS_ERRORS;

/**
 * An SQS error: `name` is the short code (`QueueDoesNotExist`) for callers inside the local cloud, while
 * `code` is the shape id the JSON protocol puts in `__type` (`com.amazonaws.sqs#QueueDoesNotExist`).
 */
export class SqsError extends AwsServiceError {
  constructor(
    readonly shortCode: SqsErrorCode,
    message: string,
  ) {
    const { query, status } = SQS_ERRORS[shortCode];
    super(`com.amazonaws.sqs#${shortCode}`, message, status, query);
    this.name = shortCode;
  }
}

/** Whether a value is an {@link SqsError} with the given short code. */
export const isSqsError = (error: unknown, code: SqsErrorCode): error is SqsError =>
  error instanceof SqsError && error.shortCode === code;
