/**
 * One connection to one server: handshake, write coalescing, the pipelined
 * FIFO of pending replies, and the reply deadline.
 *
 * @module
 */
import type { Clock } from "../clock.ts";
import {
  ConnectionError,
  OverflowError,
  ProtocolError,
  ReplyError,
  TimeoutError,
} from "../errors.ts";
import { Decoder, type EncodeScratch, type RedisArgument, type Reply } from "../protocol/mod.ts";
import { defaultTransport, largeTextDecoder, type Transport } from "../transport/mod.ts";
import {
  BatchReplies,
  encodeEntries,
  type Entry,
  estimateSize,
  IndexedEntry,
  isPubSubArray,
  isSubscriptionCommand,
  noop,
  onAbort,
  PromiseEntry,
  settle,
} from "./_entry.ts";
import { Fifo } from "./_fifo.ts";
import { blockingAllowance } from "./blocking.ts";
import { checkHandshake, handshakeSteps } from "./handshake.ts";
import {
  type ConnectionOptions,
  describeAddress,
  resolveConnectionOptions,
  type ResolvedConnectionOptions,
} from "./options.ts";
import {
  type CommandOptions,
  type CommandRequest,
  REPLYLESS,
  SETTLED,
  WRITTEN,
} from "./command_request.ts";
import { parseRedisUrl } from "./url.ts";

const NO_OPTIONS: CommandOptions = Object.freeze({});
/** The most memory a connection keeps for encoding big string arguments. */
const SCRATCH_KEEP = 2 * 1024 * 1024;
/** A batch's first write takes up to this many estimated bytes of it (see #flush). */
const FIRST_PART = 8 * 1024;

/**
 * Writes chunks in order, each once the transport took the one before (a
 * transport may split a write, so two in flight could interleave).
 */
function writeChunks(transport: Transport, chunks: Uint8Array[]): Promise<void> {
  // The first write is called synchronously, so a transport that throws
  // (instead of rejecting) throws here, before any byte left.
  let written = transport.write(chunks[0]!);
  for (const chunk of chunks.slice(1)) written = written.then(() => transport.write(chunk));
  return written;
}

/**
 * Where a connection is in its life.
 *
 * @example
 * ```ts
 * import { Connection, type ConnectionState } from "@redwire/redis";
 *
 * const state: ConnectionState = new Connection().state; // "new"
 * ```
 */
export type ConnectionState = "new" | "connecting" | "ready" | "closing" | "closed";

/**
 * A connection to one Redis server. Commands issued in the same tick leave in
 * one write (past 8 KiB, in a few writes of growing size, so the server
 * starts on the first while the rest is encoded); replies settle them in
 * order. A connection that fails rejects every pending command and is never
 * reused; each error's `written` says whether that command may have run.
 *
 * @example
 * ```ts
 * import { Connection } from "@redwire/redis";
 *
 * const conn = new Connection({ host: "127.0.0.1", port: 6379 });
 * await conn.connect();
 * await conn.command(["SET", "greeting", "hello"]);
 * const [ok, value] = await conn.batch([["SET", "a", "1"], ["GET", "a"]]);
 * await conn.close();
 * ```
 */
export class Connection {
  /** The resolved options (read-only; the password is never printed). */
  readonly options: ResolvedConnectionOptions;
  /** Where this connection goes: `host:port` or the socket path. */
  readonly address: string;

  #clock: Clock;
  #createdAt: number;
  #lastUsedAt: number;
  /** Receives push frames (RESP3) and, in subscriber mode, pub/sub arrays. */
  #receivePush: ((frame: Reply[]) => void) | undefined;
  /** RESP2 pub/sub arrays are frames, not replies (see enterSubscriberMode). */
  #subscriber = false;
  #state: ConnectionState = "new";
  #broken = false;
  #transport: Transport | undefined;
  #decoder: Decoder;
  /** Where a big string argument is encoded; reused once its write is done. */
  #scratch: EncodeScratch = { buffer: new Uint8Array(0) };
  #fifo = new Fifo<Entry>();
  #outbox: Entry[] = [];
  #outboxBytes = 0;
  /** Entries of the outbox settled before their write (aborted): #flush leaves them out. */
  #outboxSettled = 0;
  #flushScheduled = false;
  /** The most estimated bytes the next write takes from the outbox. */
  #partLimit = FIRST_PART;
  #writing = false;
  #timer: unknown;
  /** When the armed timer is due, in ms since #epoch. */
  #timerAt = Infinity;
  /** What reply deadlines count from (they stay small integers). */
  #epoch: number;
  #connecting: Promise<void> | undefined;
  #closed: Promise<void> | undefined;
  #closeListeners: ((error?: Error) => void)[] = [];
  #finishClose: (() => void) | undefined;
  #closeError: Error | undefined;

  /**
   * Prepares a connection; no I/O happens until `connect()` or the first command.
   *
   * @param options Connection options or a `redis://` / `rediss://` / `unix://` URL.
   * @throws {TypeError} If the URL is malformed.
   * @throws {RangeError} If an option is out of range.
   */
  constructor(options: ConnectionOptions | string = {}) {
    const resolved = resolveConnectionOptions(
      typeof options === "string" ? parseRedisUrl(options) : options,
    );
    this.options = resolved;
    this.address = resolved.transport?.address ?? describeAddress(resolved);
    this.#clock = resolved.clock;
    this.#epoch = this.#createdAt = this.#lastUsedAt = resolved.clock.now();
    this.#receivePush = resolved.onPush;
    this.#decoder = new Decoder(resolved, largeTextDecoder);
  }

  /** When the connection was made (its handshake finished), in ms since the epoch. */
  get createdAt(): number {
    return this.#createdAt;
  }

  /** When the connection last had nothing pending, in ms since the epoch. */
  get lastUsedAt(): number {
    return this.#lastUsedAt;
  }

  /** Where the connection is in its life. */
  get state(): ConnectionState {
    return this.#state;
  }

  /** Whether the connection was destroyed by an error (never re-pool it). */
  get broken(): boolean {
    return this.#broken;
  }

  /** Commands sent or queued whose replies have not arrived. */
  get pending(): number {
    return this.#fifo.size + this.#outbox.length;
  }

  /**
   * Opens the transport and runs the handshake (AUTH, HELLO, SELECT, CLIENT
   * SETNAME, CLIENT SETINFO), all bounded by `socketConnectTimeout`.
   * Calling it again while connecting returns the same promise.
   *
   * @returns Resolves when the connection is ready.
   * @throws {ConnectionError} If the server cannot be reached or the handshake fails.
   * @throws {AuthenticationError} If the credentials are refused.
   * @throws {TimeoutError} If `socketConnectTimeout` passes first.
   */
  connect(): Promise<void> {
    if (this.#state === "ready") return Promise.resolve();
    if (this.#state === "closing" || this.#state === "closed") {
      return Promise.reject(this.#notOpen());
    }
    this.#connecting ??= this.#open();
    return this.#connecting;
  }

  async #open(): Promise<void> {
    this.#state = "connecting";
    const controller = new AbortController();
    const options = this.options;
    const limit = options.socketConnectTimeout;
    const timer = limit === null ? undefined : this.#clock.setTimeout(() => {
      const error = new TimeoutError(
        `Connecting to ${this.address} timed out after ${limit} ms (${this.#connectAdvice()})`,
      );
      controller.abort(error);
      this.destroy(error);
    }, limit);
    try {
      const transport = await (options.transport ?? defaultTransport)({
        host: options.host,
        port: options.port,
        path: options.path,
        tls: options.tls,
        keepalive: options.socketKeepalive,
        keepaliveDelay: options.socketKeepaliveDelay,
        signal: controller.signal,
        decoder: this.#decoder,
      });
      if (this.#state !== "connecting") {
        transport.close();
        throw controller.signal.reason ?? this.#notOpen();
      }
      this.#transport = transport;
      void this.#readLoop(transport);
      await this.#handshake();
      this.#createdAt = this.#lastUsedAt = this.#clock.now();
      // close() may have been called meanwhile: then stay "closing".
      if (this.#state === "connecting") this.#state = "ready";
      this.#scheduleFlush();
    } catch (error) {
      const failure = controller.signal.reason ?? error;
      this.destroy(failure as Error);
      throw failure;
    } finally {
      this.#clock.clearTimeout(timer);
    }
  }

  #connectAdvice(): string {
    // A TLS client on a plain port waits for a ServerHello that never comes
    // (the server waits for a command line): the usual cause of a stuck TLS connect.
    if (this.#transport === undefined && this.options.tls !== undefined) {
      return "the TLS handshake did not finish: if this port speaks plain Redis, use redis:// " +
        "instead of rediss:// (or drop tls); otherwise check the server is up";
    }
    return "check the server is up, or raise socketConnectTimeout";
  }

  async #handshake(): Promise<void> {
    const steps = handshakeSteps(this.options);
    if (steps.length === 0) return;
    const entries = steps.map((step) =>
      this.#adopt(new PromiseEntry(step.args, { timeout: null }))
    );
    const settled = entries.map((entry) => entry.promise.catch((error: Error) => error));
    this.#write(entries);
    const replies = await Promise.all(settled);
    checkHandshake(steps, replies, this.address, this.options);
    const lost = replies.find((reply) => reply instanceof Error && !(reply instanceof ReplyError));
    if (lost === undefined) return;
    // A server that refuses a client (maxclients, protected mode) answers one
    // error and closes: its words matter more than "connection closed".
    const refusal = replies.find((reply) => reply instanceof ReplyError);
    if (refusal === undefined) {
      // The user's commands never left the client: say so, so they are retried.
      throw new ConnectionError(
        `Connection to ${this.address} lost during the handshake (${(lost as Error).message})`,
        { cause: lost, written: false },
      );
    }
    throw new ConnectionError(
      `${this.address} refused the connection during the handshake: ${refusal.message}`,
      { cause: refusal },
    );
  }

  /**
   * Sends one command and resolves with its reply.
   *
   * @param args The command name followed by its arguments.
   * @param options A signal and a per-command timeout.
   * @returns The decoded reply.
   * @throws {ReplyError} If the server answers with an error reply.
   * @throws {ConnectionError} If the connection fails (see `written`).
   * @throws {TimeoutError} If the reply does not arrive within the timeout.
   */
  command(args: RedisArgument[], options: CommandOptions = NO_OPTIONS): Promise<Reply> {
    const entry = new PromiseEntry(args, options);
    this.#enqueue(entry);
    return entry.promise;
  }

  /**
   * Sends several commands in one write (a big batch in a few, see the class
   * summary); error replies are returned in place.
   *
   * @param commands The commands, each a name followed by its arguments.
   * @param options A signal and a per-command timeout, for all of them.
   * @returns The replies in order; an error reply is a `ReplyError` value.
   * @throws {ConnectionError} If the connection fails (see `written`).
   */
  batch(commands: RedisArgument[][], options?: CommandOptions): Promise<Reply[]>;
  /**
   * Sends several commands in one write, now, each reply going to its own
   * request instead of a promise: a caller with many commands (the client's
   * dispatcher) then makes no promise and no closure per command.
   *
   * @param requests The commands, each its own reply sink.
   * @internal
   */
  batch(requests: readonly CommandRequest[]): void;
  batch(
    commands: readonly (RedisArgument[] | CommandRequest)[],
    options: CommandOptions = NO_OPTIONS,
  ): Promise<Reply[]> | void {
    if (commands.length > 0 && !Array.isArray(commands[0])) {
      for (const request of commands as readonly CommandRequest[]) this.#enqueue(request);
      // The batch is complete: write it now rather than at the end of the tick.
      this.#flush();
      return;
    }
    if (commands.length === 0) return Promise.resolve([]);
    const replies = new BatchReplies(commands.length);
    for (let i = 0; i < commands.length; i++) {
      this.#enqueue(new IndexedEntry(commands[i] as RedisArgument[], options, replies, i));
    }
    return replies.promise;
  }

  /**
   * Makes this a subscriber connection, for good: from now on pub/sub frames
   * (RESP2 pub/sub arrays and RESP3 pushes) go to `receiver`, and the
   * SUBSCRIBE family sent through `command()` / `batch()` resolves once
   * written, since the server confirms each channel with a frame of its own.
   * Calling it again replaces the receiver.
   *
   * @param receiver Called with each pub/sub frame.
   */
  enterSubscriberMode(receiver: (frame: Reply[]) => void): void {
    this.#subscriber = true;
    this.#receivePush = receiver;
  }

  /** Resets a request's send state for this connection. */
  #adopt<E extends Entry>(entry: E): E {
    const args = entry.args;
    // The SUBSCRIBE family's confirmations arrive as frames, not as replies.
    entry.state = this.#subscriber && isSubscriptionCommand(args) ? REPLYLESS : 0;
    if (entry.extra < 0) entry.extra = blockingAllowance(args);
    entry.replyBy = -1;
    if (entry.size < 0) entry.size = estimateSize(args);
    return entry;
  }

  #enqueue(entry: Entry): void {
    this.#adopt(entry);
    const refusal = this.#refusal(entry);
    if (refusal) return settle(entry, refusal);
    const signal = entry.options.signal;
    if (signal) {
      if (signal.aborted) return settle(entry, signal.reason);
      onAbort(entry, signal, () => this.#abort(entry));
    }
    this.#outbox.push(entry);
    this.#outboxBytes += entry.size;
    if (this.#state === "new") this.connect().catch(noop);
    else this.#scheduleFlush();
  }

  #refusal(entry: Entry): Error | undefined {
    if (this.#state === "closing" || this.#state === "closed") return this.#notOpen();
    const { maxPendingCommands, maxPendingBytes } = this.options;
    if (entry.size > maxPendingBytes) {
      return commandTooLarge(entry.size, maxPendingBytes, this.address);
    }
    if (
      this.pending >= maxPendingCommands || this.#outboxBytes + entry.size > maxPendingBytes
    ) {
      return new OverflowError(
        `Too many pending commands on ${this.address}: ${this.pending} commands and ${this.#outboxBytes} unsent bytes ` +
          `(limits ${maxPendingCommands} / ${maxPendingBytes}); wait for replies or raise maxPendingCommands / maxPendingBytes`,
      );
    }
  }

  #abort(entry: Entry): void {
    if ((entry.state & SETTLED) !== 0) return;
    if ((entry.state & WRITTEN) === 0) {
      this.#outboxBytes -= entry.size;
      this.#outboxSettled++;
      settle(entry, entry.options.signal?.reason);
      return;
    }
    // Its reply is still coming: only destroying the connection keeps that
    // late reply from settling the next caller's command.
    settle(entry, entry.options.signal?.reason);
    this.destroy(
      new ConnectionError(`A command on ${this.address} was aborted after it was sent`, {
        written: true,
      }),
    );
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled || this.#writing) return;
    if (this.#state !== "ready" && this.#state !== "closing") return;
    this.#flushScheduled = true;
    queueMicrotask(this.#flush);
  }

  #flush = (): void => {
    this.#flushScheduled = false;
    // One write at a time: a second one could interleave with a short write.
    if (this.#writing || (this.#state !== "ready" && this.#state !== "closing")) return;
    const entries = this.#outboxSettled === 0
      ? this.#outbox
      : this.#outbox.filter((entry) => (entry.state & SETTLED) === 0);
    // A big batch leaves in parts of growing size (FIRST_PART estimated
    // bytes, then twice the last): the server works on one part while the
    // next is encoded, instead of idling until the whole batch is (1000-command
    // pipelines on an idle 2-core machine: 20% faster). The rest stays in
    // the outbox, unsent (so not `written`), until this part was accepted.
    let taken = 0;
    let end = 0;
    while (end < entries.length && taken < this.#partLimit) taken += entries[end++]!.size;
    this.#partLimit = end < entries.length ? 2 * this.#partLimit : FIRST_PART;
    this.#outboxBytes -= taken;
    this.#outbox = entries.splice(end);
    this.#outboxSettled = 0;
    if (entries.length > 0) this.#write(entries);
    else if (this.#state === "closing") this.#maybeFinishClose();
  };

  #write(batch: Entry[]): void {
    // One write at a time (see #flush), so the scratch buffer is free here.
    const [entries, chunks] = encodeEntries(batch, this.#scratch);
    if (entries.length === 0) {
      if (this.#state === "closing") this.#maybeFinishClose();
      return;
    }
    this.#writing = true;
    let accepted: Promise<void>;
    try {
      // The write goes first, the bookkeeping after: a runtime hands the
      // bytes to the socket in this call, and a server that is still awake
      // answers sooner (the reply cannot be read before this task ends).
      accepted = writeChunks(this.#transport!, chunks);
    } catch (error) {
      // A transport that throws instead of rejecting took none of the bytes
      // (a Worker's socket used from another request): the batch never
      // left, so its commands count as not written and may be retried.
      this.#writing = false;
      const failure = error instanceof Error ? error : new ConnectionError(String(error));
      for (const entry of entries) {
        if ((entry.state & REPLYLESS) !== 0) {
          settle(entry, notSent(this.address, failure.message, failure));
        } else this.#fifo.push(entry);
      }
      this.destroy(failure);
      return;
    }
    const now = this.#elapsed();
    let replyless: Entry[] | undefined;
    for (const entry of entries) {
      entry.state |= WRITTEN;
      if ((entry.state & REPLYLESS) !== 0) {
        (replyless ??= []).push(entry);
        continue;
      }
      const timeout = this.#timeoutOf(entry);
      entry.replyBy = timeout === null || entry.extra === Infinity
        ? -1
        : Math.ceil(now + timeout + entry.extra);
      this.#fifo.push(entry);
    }
    this.#armTimer();
    accepted.then(() => {
      // A scratch buffer grown past SCRATCH_KEEP by a rare huge value is not kept.
      if (this.#scratch.buffer.length > SCRATCH_KEEP) this.#scratch.buffer = new Uint8Array(0);
      this.#writing = false;
      if (replyless !== undefined) {
        for (const entry of replyless) settle(entry, undefined, null);
      }
      if (this.#outbox.length > 0) this.#scheduleFlush();
      else this.#maybeFinishClose();
    }, (error) => {
      this.#writing = false;
      const failure = new ConnectionError(
        `Writing to ${this.address} failed: ${(error as Error).message}`,
        { cause: error, written: true },
      );
      if (replyless !== undefined) { for (const entry of replyless) settle(entry, failure); }
      this.destroy(failure);
    });
  }

  #armTimer(): void {
    const head = this.#fifo.peek();
    if (head === undefined || head.replyBy < 0) return;
    if (this.#timer !== undefined) {
      // A timer left by an answered command (a blocking one, or one with a
      // longer per-command timeout) may be due later than this head.
      if (this.#timerAt <= head.replyBy) return;
      this.#clock.clearTimeout(this.#timer);
    }
    this.#timerAt = head.replyBy;
    this.#timer = this.#clock.setTimeout(
      this.#onTimer,
      Math.max(0, head.replyBy - this.#elapsed()),
    );
  }

  /** A command's reply timeout: its own, or socketTimeout; `null`: none. */
  #timeoutOf(entry: Entry): number | null {
    const timeout = entry.options.timeout;
    return timeout === undefined ? this.options.socketTimeout : timeout;
  }

  /** Milliseconds since #epoch. */
  #elapsed(): number {
    return this.#clock.now() - this.#epoch;
  }

  #onTimer = (): void => {
    this.#timer = undefined;
    const head = this.#fifo.peek();
    if (head === undefined) return;
    if (head.replyBy >= 0 && head.replyBy <= this.#elapsed()) {
      const waited = (this.#timeoutOf(head) ?? 0) + (head.extra === Infinity ? 0 : head.extra);
      this.destroy(
        new TimeoutError(
          `No reply from ${this.address} within ${waited} ms; the connection was closed so a late reply cannot reach another command ` +
            "(the command may have run; raise socketTimeout for slow commands)",
          { written: true },
        ),
      );
      return;
    }
    this.#armTimer();
  };

  async #readLoop(transport: Transport): Promise<void> {
    try {
      for await (const chunk of transport.readable) {
        this.#decoder.feed(chunk, this.#onFrame);
      }
      if (this.#state !== "closed") {
        this.destroy(new ConnectionError(`Connection closed by the server ${this.address}`));
      }
    } catch (error) {
      const cause = error instanceof Error ? error : new Error(String(error));
      // 0x15 / 0x16 start a TLS alert / handshake record: a TLS port read as plain text.
      const tlsReply = / byte 0x1[56] .*at offset 0$/.test(cause.message);
      if (tlsReply && cause instanceof ProtocolError) {
        this.destroy(
          new ConnectionError(
            `${this.address} answered with TLS: use rediss:// (or tls: true) for this port`,
            { cause },
          ),
        );
        return;
      }
      this.destroy(
        cause instanceof ProtocolError || cause instanceof ConnectionError
          ? cause
          : new ConnectionError(
            `Reading from ${this.address} failed: ${cause.message}`,
            { cause },
          ),
      );
    }
  }

  #onFrame = (reply: Reply, push: boolean): void => {
    if (push || (this.#subscriber && isPubSubArray(reply))) {
      this.#receivePush?.(reply as Reply[]);
      return;
    }
    const entry = this.#fifo.shift();
    if (entry === undefined) {
      if (reply instanceof ReplyError) {
        throw new ConnectionError(`${this.address} refused the connection: ${reply.message}`, {
          cause: reply,
        });
      }
      throw new ProtocolError(`${this.address} sent a reply no command was waiting for`);
    }
    if (reply instanceof ReplyError) settle(entry, reply);
    else settle(entry, undefined, reply);
    if (this.#fifo.size === 0) {
      this.#lastUsedAt = this.#clock.now();
      if (this.#state === "closing") this.#maybeFinishClose();
    } else if (this.#timer === undefined) {
      this.#armTimer();
    }
  };

  /**
   * Closes gracefully: new commands are refused, commands already queued are
   * written, and their replies are awaited before the socket closes.
   *
   * @returns Resolves once the connection is closed.
   */
  close(): Promise<void> {
    if (this.#closed) return this.#closed;
    if (this.#state === "new" || this.#state === "closed") {
      this.destroy();
      return (this.#closed = Promise.resolve());
    }
    this.#closed = new Promise<void>((resolve) => (this.#finishClose = resolve));
    const wasConnecting = this.#state === "connecting";
    this.#state = "closing";
    if (wasConnecting) {
      this.#connecting?.then(() => this.#maybeFinishClose(), noop);
    } else {
      this.#scheduleFlush();
      this.#maybeFinishClose();
    }
    return this.#closed;
  }

  #maybeFinishClose(): void {
    if (this.#state !== "closing" || this.#writing || this.pending > 0) return;
    this.#state = "closed";
    // An armed deadline would keep the process alive after a clean close.
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#transport?.close();
    this.#finished(undefined);
  }

  /**
   * Closes at once: every pending command is rejected (`written` tells which
   * may have run) and the socket is closed. Calling it again is harmless.
   *
   * @param error Why; when given the connection counts as broken.
   */
  destroy(error?: Error): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    this.#broken = error !== undefined;
    this.#closeError = error;
    this.#clock.clearTimeout(this.#timer);
    this.#transport?.close();
    const reason = error?.message ?? "it was closed";
    for (const entry of this.#outbox) settle(entry, notSent(this.address, reason, error));
    this.#outbox = [];
    this.#outboxSettled = 0;
    this.#outboxBytes = 0;
    let first = true;
    for (const entry of this.#fifo.drain()) {
      const own = first && (error instanceof TimeoutError || error instanceof ProtocolError);
      first = false;
      if ((entry.state & WRITTEN) === 0) {
        settle(entry, notSent(this.address, reason, error));
        continue;
      }
      settle(
        entry,
        own ? error : new ConnectionError(
          `Connection to ${this.address} lost while waiting for a reply (${reason}); the command may have run`,
          { cause: error, written: true },
        ),
      );
    }
    this.#finished(error);
  }

  #finished(error: Error | undefined): void {
    this.#finishClose?.();
    const listeners = this.#closeListeners;
    this.#closeListeners = [];
    for (const listener of listeners) listener(error);
  }

  /**
   * Calls `listener` once when the connection closes (with the error when it broke).
   *
   * @param listener Called with the error, or nothing after a clean close.
   */
  onClose(listener: (error?: Error) => void): void {
    if (this.#state === "closed") queueMicrotask(() => listener(this.#closeError));
    else this.#closeListeners.push(listener);
  }

  #notOpen(): ConnectionError {
    return new ConnectionError(`Connection to ${this.address} is ${this.#state}; open a new one`);
  }

  /** Closes gracefully; `await using conn = new Connection()` calls this. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** A description without credentials, such as `Connection(127.0.0.1:6379 db=0 ready)`. */
  toString(): string {
    return `Connection(${this.address} db=${this.options.db} ${this.#state})`;
  }
}

/**
 * The error for one command larger than the byte bound, which no wait would let through.
 *
 * @param size The command's estimated size in bytes.
 * @param limit The bound, `maxPendingBytes`.
 * @param where The address (or "this client").
 * @returns An OverflowError (never retried).
 */
export function commandTooLarge(size: number, limit: number, where: string): OverflowError {
  return new OverflowError(
    `A command of about ${size} bytes is larger than maxPendingBytes (${limit}) for ${where}; ` +
      "it was not sent: raise maxPendingBytes or split the value",
  );
}

function notSent(address: string, reason: string, cause: Error | undefined): ConnectionError {
  return new ConnectionError(`Command not sent: connection to ${address} closed (${reason})`, {
    cause,
  });
}
