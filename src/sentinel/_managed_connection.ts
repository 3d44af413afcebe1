/**
 * A connection to a master named by the sentinels, which reports READONLY
 * replies: the server it reaches was demoted to a replica.
 *
 * @module
 */
import {
  type CommandOptions,
  CommandRequest,
  Connection,
  type ConnectionOptions,
} from "../connection/mod.ts";
import { ConnectionError, ReadOnlyError } from "../errors.ts";
import type { RedisArgument, Reply } from "../protocol/mod.ts";

/**
 * redis-py's SentinelManagedConnection, for master pools. A READONLY reply
 * calls `onReadOnly` (the pool marks itself stale). On the dispatcher's path
 * (`batch(requests)`) it also becomes a `ConnectionError` with `written: false`:
 * READONLY means the command did not run, so the dispatcher may send it again,
 * on a new connection to the master the sentinels name now. Pipelines and
 * transactions (`batch(commands)`, `command`) keep the ReadOnlyError in place.
 */
export class SentinelManagedConnection extends Connection {
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

  override command(args: RedisArgument[], options?: CommandOptions): Promise<Reply> {
    return super.command(args, options).catch((error: Error) => {
      throw this.#seen(error, false);
    });
  }

  override batch(commands: RedisArgument[][], options?: CommandOptions): Promise<Reply[]>;
  override batch(requests: readonly CommandRequest[]): void;
  override batch(
    commands: readonly (RedisArgument[] | CommandRequest)[],
    options?: CommandOptions,
  ): Promise<Reply[]> | void {
    if (commands.length > 0 && !Array.isArray(commands[0])) {
      const requests = commands as readonly CommandRequest[];
      return super.batch(requests.map((request) => new ReadOnlyWatch(request, this.#seen)));
    }
    return super.batch(commands as RedisArgument[][], options).then((replies) => {
      for (const reply of replies) if (reply instanceof Error) this.#seen(reply, false);
      return replies;
    });
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
class ReadOnlyWatch extends CommandRequest {
  constructor(
    readonly request: CommandRequest,
    readonly seen: (error: Error, convert: boolean) => Error,
  ) {
    super(request.args, request.options, request.size, request.extra);
  }

  resolve(reply: Reply): void {
    this.request.resolve(reply);
  }

  reject(error: Error): void {
    this.request.reject(this.seen(error, true));
  }
}
