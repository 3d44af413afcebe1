/**
 * A connection to a master named by the sentinels, which reports READONLY
 * replies: the server it reaches was demoted to a replica.
 *
 * @module
 */
import {
  type CommandOptions,
  Connection,
  type ConnectionOptions,
  type ReplySink,
} from "../connection/mod.ts";
import { ConnectionError, ReadOnlyError } from "../errors.ts";
import type { RedisArgument, Reply } from "../protocol/mod.ts";

/**
 * redis-py's SentinelManagedConnection, for master pools. A READONLY reply
 * calls `onReadOnly` (the pool marks itself stale). On the dispatcher's path
 * (`dispatch`) it also becomes a `ConnectionError` with `written: false`:
 * READONLY means the command did not run, so the dispatcher may send it again,
 * on a new connection to the master the sentinels name now. Pipelines and
 * transactions (`send`, `batch`, `command`) keep the ReadOnlyError in place.
 */
export class SentinelManagedConnection extends Connection {
  /** The pool's stale-marking count when this connection was made. */
  epoch = 0;
  #onReadOnly: (connection: SentinelManagedConnection) => void;

  /**
   * @param options Connection options, with the address the sentinels gave.
   * @param onReadOnly Called at each READONLY reply.
   */
  constructor(
    options: ConnectionOptions,
    onReadOnly: (connection: SentinelManagedConnection) => void,
  ) {
    super(options);
    this.#onReadOnly = onReadOnly;
  }

  override dispatch(args: RedisArgument[], options: CommandOptions, sink: ReplySink): void {
    super.dispatch(args, options, new ReadOnlyWatch(sink, this.#seen));
  }

  override send(commands: RedisArgument[][], options?: CommandOptions): Promise<Reply>[] {
    return super.send(commands, options).map((reply) =>
      reply.catch((error: Error) => {
        throw this.#seen(error, false);
      })
    );
  }

  #seen = (error: Error, convert: boolean): Error => {
    if (!(error instanceof ReadOnlyError)) return error;
    this.#onReadOnly(this);
    if (!convert) return error;
    return new ConnectionError(
      `${this.address} is a read-only replica now (${error.message}): the command did not run; ` +
        "it is sent again to the master the sentinels name",
      { cause: error, written: false },
    );
  };
}

/** Passes a reply on; a READONLY error is reported first and made retryable. */
class ReadOnlyWatch implements ReplySink {
  constructor(
    readonly sink: ReplySink,
    readonly seen: (error: Error, convert: boolean) => Error,
  ) {}

  resolve(reply: Reply): void {
    this.sink.resolve(reply);
  }

  reject(error: Error): void {
    this.sink.reject(this.seen(error, true));
  }
}
