/**
 * Error classes shared by every stage. The CLI maps BadInputError (and its
 * subclasses) to exit code 2 with one line on stderr.
 */
export class BulkheadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The user's input (target, file, flag, image content) is unusable. Exit code 2. */
export class BadInputError extends BulkheadError {}

/** An image, archive or blob is malformed, truncated or fails verification. */
export class ImageFormatError extends BadInputError {}

/** A resource limit guarding against hostile input was exceeded. */
export class LimitExceededError extends BadInputError {}
