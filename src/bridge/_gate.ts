/**
 * The runtime-neutral part of the bridge: every upgrade request passes the
 * gate (handshake, authentication, connection cap, Redis connect) before a
 * runtime adapter accepts the WebSocket; accepted sockets become relays.
 *
 * @module
 */

import { TimeoutError } from "../errors.ts";
import { defaultTransport, type Transport } from "../transport/mod.ts";
import { callbackCheck, type Check, tokenCheck } from "./_auth.ts";
import { BRIDGE_PROTOCOL, offeredProtocols } from "./_protocol.ts";
import { CLOSE, Relay, type RelaySocket } from "./_relay.ts";
import type { ResolvedBridgeOptions } from "./options.ts";

/**
 * An upgrade the gate refused: answer with this status and text, and do not upgrade.
 */
export interface Refusal {
  readonly ok: false;
  readonly status: number;
  readonly body: string;
}

/**
 * An upgrade the gate let through, holding its open Redis transport.
 */
export interface Admission {
  readonly ok: true;
  /** The subprotocol to select in the 101 answer, if the client offered it. */
  readonly protocol: string | undefined;
  /** Starts relaying between the accepted WebSocket and Redis. */
  attach(socket: RelaySocket): void;
  /** Gives the Redis connection and the slot back when the upgrade fails after all. */
  abandon(): void;
}

/**
 * What a runtime adapter reports once it listens.
 */
export interface Listener {
  readonly port: number;
  readonly hostname: string;
  /** Stops listening; every relay has been ended before this is called. */
  close(): Promise<void>;
}

/**
 * A runtime adapter: listens and passes each upgrade request through the gate.
 */
export type Listen = (
  gate: Gate,
  address: { port: number; hostname: string },
) => Promise<Listener>;

/**
 * Checks upgrade requests and keeps count of the relays they became.
 */
export class Gate {
  #options: ResolvedBridgeOptions;
  #check: Check;
  #relays = new Set<Relay>();
  #reserved = 0;
  #closing = false;
  #ids = 0;

  private constructor(options: ResolvedBridgeOptions, check: Check) {
    this.#options = options;
    this.#check = check;
  }

  /**
   * Makes a gate for resolved options (hashing the token once).
   *
   * @param options The bridge's options.
   * @returns The gate.
   */
  static async create(options: ResolvedBridgeOptions): Promise<Gate> {
    const warn = options.logger.warn?.bind(options.logger);
    const check = options.token !== undefined
      ? await tokenCheck(options.token)
      : callbackCheck(options.authenticate!, (name) => warn?.(`authenticate threw a ${name}`));
    return new Gate(options, check);
  }

  /** WebSockets open or being opened. */
  get connections(): number {
    return this.#reserved + this.#relays.size;
  }

  /**
   * Decides about one upgrade request. Nothing reaches Redis before the
   * request is authenticated and under the cap; only then is the Redis
   * connection opened, so a client never sees a WebSocket that cannot work.
   *
   * @param request The upgrade request (headers and URL only).
   * @param remote The client's address, for the log.
   * @param signal Aborts the Redis connect when the client goes away.
   * @returns A refusal to send, or an admission to complete.
   */
  async admit(
    request: Request,
    remote: string,
    signal?: AbortSignal,
  ): Promise<Refusal | Admission> {
    const path = new URL(request.url).pathname;
    const malformed = checkHandshake(request);
    if (malformed !== undefined) {
      this.#log("warn", `refused ${remote} ${path}: ${malformed.status} ${malformed.body}`);
      return malformed;
    }
    if (!(await this.#check(request))) {
      this.#log("warn", `refused ${remote} ${path}: 401 (missing or wrong token)`);
      return refuse(401, "Unauthorized: missing or wrong token");
    }
    if (this.#closing) return refuse(503, "Service Unavailable: the bridge is closing");
    const max = this.#options.maxConnections;
    if (this.connections >= max) {
      this.#log("warn", `refused ${remote} ${path}: 503 (${max} of ${max} connections open)`);
      return refuse(
        503,
        `Service Unavailable: ${max} of ${max} connections open (retry later, or raise maxConnections)`,
      );
    }
    this.#reserved++;
    let transport: Transport;
    try {
      transport = await this.#connect(signal);
    } catch (error) {
      this.#reserved--;
      const message = error instanceof Error ? error.message : String(error);
      this.#log("error", `cannot reach Redis for ${remote}: ${message}`);
      return refuse(502, "Bad Gateway: the bridge cannot reach Redis");
    }
    return this.#admission(transport, remote, offeredProtocols(request));
  }

  #admission(transport: Transport, remote: string, offered: string[]): Admission {
    const id = ++this.#ids;
    let pending = true;
    const settle = (): boolean => {
      if (!pending) return false;
      pending = false;
      this.#reserved--;
      return true;
    };
    return {
      ok: true,
      protocol: offered.includes(BRIDGE_PROTOCOL) ? BRIDGE_PROTOCOL : undefined,
      attach: (socket) => {
        if (!settle()) return;
        const relay = new Relay(socket, transport, this.#options.idleTimeout, (why) => {
          this.#relays.delete(relay);
          this.#log("info", `#${id} closed: ${why} (${this.connections} open)`);
        });
        this.#relays.add(relay);
        this.#log("info", `#${id} opened for ${remote} (${this.connections} open)`);
        if (this.#closing) relay.end("the bridge is closing", CLOSE.goingAway, "bridge closing");
      },
      abandon: () => {
        if (settle()) transport.close();
      },
    };
  }

  async #connect(signal: AbortSignal | undefined): Promise<Transport> {
    const { target, connectTimeout } = this.#options;
    const where = target.path ?? `${target.host}:${target.port}`;
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    const timer = connectTimeout === null ? undefined : setTimeout(() => {
      controller.abort(
        new TimeoutError(`Connecting to ${where} timed out after ${connectTimeout} ms`),
      );
    }, connectTimeout);
    try {
      return await defaultTransport({ ...target, keepalive: true, signal: controller.signal });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /** Refuses new upgrades and ends every relay (close code 1001). */
  closeAll(): void {
    this.#closing = true;
    for (const relay of this.#relays) {
      relay.end("the bridge is closing", CLOSE.goingAway, "bridge closing");
    }
  }

  #log(level: "info" | "warn" | "error", message: string): void {
    this.#options.logger[level]?.(message);
  }
}

function refuse(status: number, body: string): Refusal {
  return { ok: false, status, body };
}

/** Refuses what is not a WebSocket handshake the redwire way (RFC 6455 section 4.2.1). */
function checkHandshake(request: Request): Refusal | undefined {
  const headers = request.headers;
  const upgrade = headers.get("upgrade")?.toLowerCase() ?? "";
  if (request.method !== "GET" || !upgrade.split(",").some((v) => v.trim() === "websocket")) {
    return refuse(426, "Upgrade Required: this is a redwire WebSocket bridge");
  }
  if (headers.get("sec-websocket-version") !== "13" || !headers.get("sec-websocket-key")) {
    return refuse(400, "Bad Request: not a WebSocket version 13 handshake");
  }
  const offered = offeredProtocols(request);
  if (offered.length > 0 && !offered.includes(BRIDGE_PROTOCOL)) {
    // Selecting another offered protocol could echo a token back.
    return refuse(400, `Bad Request: offer the "${BRIDGE_PROTOCOL}" subprotocol`);
  }
  return undefined;
}
