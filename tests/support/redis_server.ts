/**
 * Starts real `redis-server` processes on free loopback ports for tests, and
 * makes sure none outlives the test process. Runs on Deno and Node.
 *
 * @module
 */

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { shellQuote, startWatchdog, type Watchdog } from "./_watchdog.ts";
import { makeCertificates } from "./certs.ts";

/** An ACL user written to the server's configuration. */
export interface AclUser {
  /** The user's name. */
  username: string;
  /** The user's password. */
  password: string;
  /** ACL rules after `on >password`. @default "~* &* +@all" */
  rules?: string;
}

/** How {@linkcode startRedis} configures the server. */
export interface StartRedisOptions {
  /** `requirepass` for the default user. @default none */
  password?: string;
  /** Extra ACL users (`user <name> on >password <rules>`). @default none */
  aclUsers?: AclUser[];
  /** Also listen with TLS on `tlsPort`, using certificates from `makeCertificates()`. @default false */
  tls?: boolean;
  /** Require client certificates on the TLS port (`tls-auth-clients yes`). @default false */
  tlsAuthClients?: boolean;
  /** Also listen on `<dir>/redis.sock`. @default false */
  unixSocket?: boolean;
  /** Extra command-line arguments, such as `["--maxmemory", "1mb"]`. @default none */
  args?: string[];
  /** The TCP port to listen on, such as a stopped server's. @default a free port */
  port?: number;
}

/** A running `redis-server` started by {@linkcode startRedis}. */
export interface RedisServer {
  /** Always `"127.0.0.1"`. */
  readonly host: string;
  /** The plain TCP port. */
  readonly port: number;
  /** The TLS port, when started with `tls: true`. */
  readonly tlsPort?: number;
  /** The Unix socket path, when started with `unixSocket: true`. */
  readonly socketPath?: string;
  /** The server's process id (a new one after `restart()`). */
  readonly pid: number;
  /** The server's temporary folder: config, log, socket. */
  readonly dir: string;
  /** PEM of the CA that signed the server certificate, when started with `tls: true`. */
  readonly caCert?: string;
  /** Stops the server (SIGTERM, then SIGKILL) and removes `dir`; twice is harmless. */
  stop(): Promise<void>;
  /** Sends `signal` (default SIGKILL, a crash) to the server at once, without waiting or cleaning up. */
  kill(signal?: NodeJS.Signals): void;
  /** Stops the server and starts it again on the same ports and folder. */
  restart(): Promise<void>;
}

const HOST = "127.0.0.1";
const READY_TIMEOUT = 10_000;
const STOP_TIMEOUT = 5_000;
const PORT_ATTEMPTS = 3;

const live = new Set<ManagedServer>();
// A failed test may skip its `after`; no server outlives the process. Where
// no exit event runs (`deno test`, SIGKILL), each server's watchdog acts.
process.on("exit", () => {
  for (const server of live) server.killNow();
});

/**
 * Starts `redis-server` on a free loopback port (never 6379) in a temporary
 * folder, with no persistence and DEBUG allowed, and waits until it answers.
 *
 * @param options Password, ACL users, TLS, Unix socket, extra arguments, port.
 * @returns The running server; call `stop()` in `after`.
 * @throws {Error} If the server does not answer within 10 s or exits; the
 * message ends with its stderr and log tail.
 *
 * @example
 * ```ts
 * import { startRedis } from "./mod.ts";
 *
 * const server = await startRedis({ tls: true, unixSocket: true });
 * console.log(server.port, server.tlsPort, server.socketPath);
 * await server.stop();
 * ```
 */
export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServer> {
  const caCert = options.tls ? (await makeCertificates()).caCert.pem : undefined;
  for (let attempt = 1;; attempt++) {
    const port = options.port ?? await freePort();
    const tlsPort = options.tls ? await freePort() : undefined;
    const server = new ManagedServer(options, port, tlsPort, caCert);
    try {
      await server.configure(options);
      await server.launch();
      return server;
    } catch (error) {
      await server.stop();
      // Another process may take a free port before redis binds it.
      const clash = String(error).includes("Address already in use");
      if (!clash || options.port !== undefined || attempt === PORT_ATTEMPTS) throw error;
    }
  }
}

/**
 * Finds a free TCP port on 127.0.0.1 by binding port 0; never 6379.
 *
 * @returns A port nothing listened on a moment ago.
 * @throws {Error} If binding fails.
 *
 * @example
 * ```ts
 * import { freePort } from "./mod.ts";
 *
 * const port = await freePort(); // e.g. connect here to test "connection refused"
 * ```
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, HOST, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => port === 6379 ? freePort().then(resolve, reject) : resolve(port));
    });
  });
}

class ManagedServer implements RedisServer {
  readonly host = HOST;
  readonly port: number;
  readonly tlsPort?: number;
  readonly socketPath?: string;
  readonly dir: string;
  readonly caCert?: string;
  #password?: string;
  #args: string[];
  #child?: ChildProcess;
  #stderr = "";
  #stopping?: Promise<void>;
  #watchdog: Watchdog;

  constructor(options: StartRedisOptions, port: number, tlsPort?: number, caCert?: string) {
    this.dir = mkdtempSync(join(tmpdir(), "redwire-redis-"));
    this.port = port;
    this.tlsPort = tlsPort;
    this.socketPath = options.unixSocket ? join(this.dir, "redis.sock") : undefined;
    this.caCert = caCert;
    this.#password = options.password;
    this.#args = options.args ?? [];
    const pid = '[ -n "$last" ] && kill -KILL "$last" 2>/dev/null';
    this.#watchdog = startWatchdog(`${pid}; sleep 0.2; rm -rf ${shellQuote(this.dir)}`);
    live.add(this);
  }

  get pid(): number {
    return this.#child?.pid ?? -1;
  }

  async configure(options: StartRedisOptions): Promise<void> {
    const lines = [
      `port ${this.port}`,
      `bind ${HOST}`,
      `save ""`,
      "appendonly no",
      `dir ${quote(this.dir)}`,
      "daemonize no",
      "enable-debug-command local",
      "protected-mode no",
      `logfile ${quote(join(this.dir, "redis.log"))}`,
    ];
    if (options.password !== undefined) lines.push(`requirepass ${quote(options.password)}`);
    for (const user of options.aclUsers ?? []) {
      const rules = user.rules ?? "~* &* +@all";
      lines.push(`user ${quote(user.username)} on ${quote(`>${user.password}`)} ${rules}`);
    }
    if (this.socketPath !== undefined) {
      lines.push(`unixsocket ${quote(this.socketPath)}`, "unixsocketperm 700");
    }
    if (this.tlsPort !== undefined) {
      const certs = await makeCertificates();
      lines.push(
        `tls-port ${this.tlsPort}`,
        `tls-cert-file ${quote(certs.serverCert.path)}`,
        `tls-key-file ${quote(certs.serverKey.path)}`,
        `tls-ca-cert-file ${quote(certs.caCert.path)}`,
        `tls-auth-clients ${options.tlsAuthClients ? "yes" : "no"}`,
      );
    }
    writeFileSync(join(this.dir, "redis.conf"), lines.join("\n") + "\n");
  }

  async launch(): Promise<void> {
    const child = spawn("redis-server", [join(this.dir, "redis.conf"), ...this.#args], {
      cwd: this.dir,
      stdio: ["ignore", "ignore", "pipe"],
    });
    this.#child = child;
    this.#stderr = "";
    let spawnError: Error | undefined;
    child.once("error", (error) => spawnError = error);
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (text: string) => this.#stderr = (this.#stderr + text).slice(-4000));
    // The test's own awaits keep the process alive; the server must not.
    child.unref();
    (child.stderr as net.Socket | null)?.unref?.();
    // The watchdog kills this pid if the test process dies first; an exited
    // server's pid is withdrawn, as the system may give it to another process.
    this.#watchdog.tell(String(child.pid ?? ""));
    child.once("exit", () => this.#watchdog.tell(""));
    const deadline = Date.now() + READY_TIMEOUT;
    while (Date.now() < deadline) {
      if (spawnError !== undefined) throw this.#failure(`could not start: ${spawnError.message}`);
      if (hasExited(child)) {
        throw this.#failure(`exited with ${child.signalCode ?? child.exitCode}`);
      }
      if (await this.#answers(child)) return;
      await sleep(50);
    }
    throw this.#failure(`did not answer within ${READY_TIMEOUT} ms`);
  }

  /** Whether this server (not another on the same port) answers a raw INFO. */
  async #answers(child: ChildProcess): Promise<boolean> {
    const reply = await probe(this.port, this.#password);
    const pid = /process_id:(\d+)\r\n/.exec(reply)?.[1];
    if (pid !== undefined) return Number(pid) === child.pid;
    // An ACL setup may refuse INFO; any error reply still proves a live server.
    return reply.startsWith("-") && !hasExited(child);
  }

  #failure(what: string): Error {
    let log = "";
    try {
      log = readFileSync(join(this.dir, "redis.log"), "utf8").slice(-4000);
    } catch {
      // No log yet: the server failed before opening it.
    }
    const tail = [this.#stderr.trim(), log.trim()].filter((text) => text !== "").join("\n");
    return new Error(`redis-server on ${HOST}:${this.port} ${what}\n${tail}`);
  }

  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await this.#terminate();
      live.delete(this);
      this.#watchdog.cancel();
      rmSync(this.dir, { recursive: true, force: true });
    })();
    return this.#stopping;
  }

  kill(signal: NodeJS.Signals = "SIGKILL"): void {
    if (this.#child !== undefined && !hasExited(this.#child)) this.#child.kill(signal);
  }

  async restart(): Promise<void> {
    if (this.#stopping !== undefined) throw new Error("restart() after stop()");
    await this.#terminate();
    await this.launch();
  }

  /** Synchronous last resort for process exit. */
  killNow(): void {
    this.kill("SIGKILL");
    this.#watchdog.cancel();
    rmSync(this.dir, { recursive: true, force: true });
  }

  async #terminate(): Promise<void> {
    const child = this.#child;
    if (child === undefined || hasExited(child)) return;
    const exit = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    if (await within(exit, STOP_TIMEOUT)) return;
    child.kill("SIGKILL");
    await within(exit, STOP_TIMEOUT);
  }
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Sends `AUTH` (when a password is set) and `INFO server`; resolves with what came back. */
function probe(port: number, password?: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: HOST, port });
    let reply = "";
    let settled = false;
    const done = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(reply);
    };
    const timer = setTimeout(done, 1000);
    socket.setEncoding("latin1");
    socket.on("connect", () => {
      const auth = password === undefined ? "" : command(["AUTH", password]);
      socket.write(auth + command(["INFO", "server"]));
    });
    socket.on("data", (text: string) => {
      reply += text;
      if (/process_id:\d+\r\n/.test(reply) || /^-.*\r\n/m.test(reply)) done();
    });
    socket.on("error", done);
    socket.on("close", done);
  });
}

function command(args: string[]): string {
  const encoder = new TextEncoder();
  const parts = args.map((arg) => `$${encoder.encode(arg).length}\r\n${arg}\r\n`);
  return `*${args.length}\r\n${parts.join("")}`;
}

/** Quotes a value for redis.conf (its parser takes C-style escapes in double quotes). */
function quote(value: string): string {
  return JSON.stringify(value);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves `true` if `promise` settles within `ms`, else `false`. */
function within(promise: Promise<void>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    promise.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
