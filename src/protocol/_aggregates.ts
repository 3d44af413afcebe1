/**
 * Private: the decoder's explicit stack of aggregates being filled, so a
 * nested reply resumes where it stopped in any chunk, without recursion.
 *
 * @module
 */
import type { Reply } from "./types.ts";

const ARRAY = 42; // *
const MAP = 37; // %
const SET = 126; // ~
const ATTRIBUTE = 124; // |
const PUSH = 62; // >

const EMPTY_ITEMS: Reply[] = [];
const EMPTY_MAP: Map<Reply, Reply> = new Map();
const EMPTY_SET: Set<Reply> = new Set();
/** Arrays up to this length are allocated at their declared length. */
const PREALLOCATE = 1024;

/** One aggregate being filled; frames are reused, so only the containers allocate. */
export class Frame {
  /** The type byte: ARRAY, PUSH, MAP, SET or ATTRIBUTE. */
  type = 0;
  /** Elements still to come (keys and values count apart in maps). */
  remaining = 0;
  /** The next index in `items`. */
  index = 0;
  /** The elements of an array or push. */
  items: Reply[] = EMPTY_ITEMS;
  /** The entries of a map or attribute. */
  map: Map<Reply, Reply> = EMPTY_MAP;
  /** The members of a set. */
  set: Set<Reply> = EMPTY_SET;
  /** A map key waiting for its value. */
  key: Reply = null;
  /** Whether `key` is set (a key may be null). */
  hasKey = false;
}

/** What {@linkcode Aggregates.add} returns while the top-level reply is incomplete. */
export const PENDING: unique symbol = Symbol("pending");

/**
 * The aggregates open in the current reply, outermost first. `top` is the
 * innermost, for the decoder's inlined fast path; `add` does the rest.
 */
export class Aggregates {
  #stack: Frame[] = [];
  #depth = 0;
  #top: Frame | null = null;
  #push = false;
  readonly #onAttribute: ((attribute: Map<Reply, Reply>) => void) | undefined;

  /**
   * Creates an empty stack.
   *
   * @param onAttribute Receives each completed attribute, if given.
   */
  constructor(onAttribute: ((attribute: Map<Reply, Reply>) => void) | undefined) {
    this.#onAttribute = onAttribute;
  }

  /** How many aggregates are open. */
  get depth(): number {
    return this.#depth;
  }

  /** The innermost open aggregate, or null at the top level. */
  get top(): Frame | null {
    return this.#top;
  }

  /** Whether the reply `add` last completed is a push. */
  get push(): boolean {
    return this.#push;
  }

  /**
   * Opens an aggregate of `length` elements (pairs for maps and attributes).
   *
   * @param type Its type byte.
   * @param length Its declared length, at least 1.
   */
  open(type: number, length: number): void {
    const frame = this.#stack[this.#depth] ?? (this.#stack[this.#depth] = new Frame());
    frame.type = type;
    frame.index = 0;
    if (type === MAP || type === ATTRIBUTE) {
      frame.remaining = length * 2;
      frame.map = new Map();
    } else if (type === SET) {
      frame.remaining = length;
      frame.set = new Set();
    } else {
      frame.remaining = length;
      frame.items = length <= PREALLOCATE ? new Array(length) : [];
    }
    this.#depth++;
    this.#top = frame;
  }

  /**
   * Adds a value to the innermost aggregate, closing each one it fills.
   *
   * @param value The complete value.
   * @returns The top-level reply it completed, or PENDING.
   */
  add(value: Reply): Reply | typeof PENDING {
    let push = false;
    while (this.#depth > 0) {
      const frame = this.#stack[this.#depth - 1];
      const type = frame.type;
      if (type === ARRAY || type === PUSH) {
        frame.items[frame.index++] = value;
      } else if (type === SET) {
        frame.set.add(value);
      } else if (frame.hasKey) {
        frame.map.set(frame.key, value);
        frame.key = null;
        frame.hasKey = false;
      } else {
        frame.key = value;
        frame.hasKey = true;
      }
      if (--frame.remaining > 0) return PENDING;
      this.#depth--;
      this.#top = this.#depth > 0 ? this.#stack[this.#depth - 1] : null;
      if (type === ATTRIBUTE) {
        // An attribute annotates the value that follows; that value takes its place.
        const attribute = frame.map;
        release(frame);
        this.#onAttribute?.(attribute);
        return PENDING;
      }
      value = type === ARRAY || type === PUSH ? frame.items : type === SET ? frame.set : frame.map;
      push = type === PUSH;
      release(frame);
    }
    this.#push = push;
    return value;
  }

  /** Reports an empty attribute, which has no elements to complete it. */
  emptyAttribute(): void {
    this.#onAttribute?.(new Map());
  }

  /** Drops every open aggregate. */
  clear(): void {
    for (let i = 0; i < this.#depth; i++) release(this.#stack[i]);
    this.#depth = 0;
    this.#top = null;
  }
}

/** Drops a frame's references so a reused frame keeps no reply alive. */
function release(frame: Frame): void {
  frame.items = EMPTY_ITEMS;
  frame.map = EMPTY_MAP;
  frame.set = EMPTY_SET;
  frame.key = null;
  frame.hasKey = false;
}
