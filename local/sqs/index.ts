export {
  InvalidBatchResponseError,
  InvalidEventSourceMappingError,
  startEventSourceMapping,
  type EventSourceMapping,
  type EventSourceMappingOptions,
  type FailedBatch,
  type SqsEvent,
  type SqsRecord,
} from './eventSourceMapping';
export { sqsApi } from './sqsApi';
export { isSqsError, SqsError, type SqsErrorCode } from './sqsErrors';
export {
  SqsService,
  type MessageAttributeValue,
  type MessageSnapshot,
  type QueueDepth,
  type QueueRef,
  type ReceivedMessage,
  type SendMessageInput,
  type SqsServiceOptions,
} from './sqsService';
