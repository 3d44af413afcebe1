/**
 * The readable side of an event-driven transport (node:net, WebSocket):
 * chunks pushed by the runtime's callbacks, pulled by one async iterator.
 * Bytes that arrived before a failure are delivered before its error.
 */
import type { ConnectionError } from "../errors.ts";

export class ChunkQueue {
  readonly readable: AsyncIterable<Uint8Array>;
  #chunks: Uint8Array[] = [];
  #bytes = 0;
  #ended = false;
  #closed = false;
  #error: ConnectionError | undefined;
  #wake: (() => void) | undefined;
  #onTake: ((queuedBytes: number) => void) | undefined;

  /** @param onTake Called after each chunk is taken, with the bytes still queued (for backpressure). */
  constructor(onTake?: (queuedBytes: number) => void) {
    this.#onTake = onTake;
    const iterator: AsyncIterator<Uint8Array> = { next: () => this.#next() };
    this.readable = { [Symbol.asyncIterator]: () => iterator };
  }

  /** Bytes waiting to be read. */
  get queuedBytes(): number {
    return this.#bytes;
  }

  /** The first failure, if any. */
  get error(): ConnectionError | undefined {
    return this.#error;
  }

  /** Whether the peer ended the stream. */
  get ended(): boolean {
    return this.#ended;
  }

  push(chunk: Uint8Array): void {
    this.#chunks.push(chunk);
    this.#bytes += chunk.byteLength;
    this.#signal();
  }

  /** Records a failure; the first one wins. */
  fail(error: ConnectionError): void {
    this.#error ??= error;
    this.#signal();
  }

  /** The peer ended the stream: iteration ends once the queue is drained. */
  end(): void {
    this.#ended = true;
    this.#signal();
  }

  /** Our side closed: queued bytes are dropped and iteration ends at once. */
  close(): void {
    this.#closed = true;
    this.#chunks = [];
    this.#bytes = 0;
    this.#signal();
  }

  #signal(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async #next(): Promise<IteratorResult<Uint8Array, undefined>> {
    while (true) {
      if (this.#closed) return { done: true, value: undefined };
      const chunk = this.#chunks.shift();
      if (chunk !== undefined) {
        this.#bytes -= chunk.byteLength;
        this.#onTake?.(this.#bytes);
        return { done: false, value: chunk };
      }
      if (this.#error !== undefined) throw this.#error;
      if (this.#ended) return { done: true, value: undefined };
      await new Promise<void>((resolve) => this.#wake = resolve);
    }
  }
}
