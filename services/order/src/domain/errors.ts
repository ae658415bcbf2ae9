import { PermanentError } from '#shared/errors';

/**
 * A fact about an order this service never took. Order ids are minted here before OrderPlaced is published,
 * so no outcome can legitimately precede its order: the event goes to the DLQ with this reason.
 */
export class UnknownOrderError extends PermanentError {}

/** A move the order's status forbids (confirming a cancelled order): the workflow is out of step with the table. */
export class IllegalTransitionError extends PermanentError {}

/** A wait started on an order in another phase than the one it waits for. */
export class UnexpectedStatusError extends PermanentError {}
