/**
 * The commands a new connection sends before it is lent, and how their
 * replies are judged.
 *
 * @module
 */
import { AuthenticationError, AuthReplyError, ConnectionError, ReplyError } from "../errors.ts";
import type { RedisArgument, Reply } from "../protocol/mod.ts";
import type { ResolvedConnectionOptions } from "./options.ts";

/** One handshake step: its command and what a failure of it means. */
export interface HandshakeStep {
  /** The command sent. */
  args: RedisArgument[];
  /** `auth`: a failure is an AuthenticationError; `required`: a ConnectionError; `optional`: ignored. */
  kind: "auth" | "required" | "optional";
}

/**
 * The handshake for a connection: HELLO 3 carrying AUTH and SETNAME when the
 * protocol is 3, else AUTH and CLIENT SETNAME; then SELECT and CLIENT SETINFO.
 *
 * @param options Resolved connection options.
 * @returns The steps, to be sent in one write.
 */
export function handshakeSteps(options: ResolvedConnectionOptions): HandshakeStep[] {
  const steps: HandshakeStep[] = [];
  const password = options.password?.reveal();
  const credentials = password === undefined ? [] : [options.username ?? "default", password];
  if (options.protocol === 3) {
    const args: RedisArgument[] = ["HELLO", 3];
    if (credentials.length) args.push("AUTH", ...credentials);
    if (options.clientName) args.push("SETNAME", options.clientName);
    steps.push({ args, kind: credentials.length ? "auth" : "required" });
  } else {
    // AUTH with one argument keeps servers older than 6 working.
    if (password !== undefined) {
      const args = options.username === undefined
        ? ["AUTH", password]
        : ["AUTH", options.username, password];
      steps.push({ args, kind: "auth" });
    }
    if (options.clientName) {
      steps.push({ args: ["CLIENT", "SETNAME", options.clientName], kind: "required" });
    }
  }
  if (options.db !== 0) steps.push({ args: ["SELECT", options.db], kind: "required" });
  // CLIENT SETINFO arrived in Redis 7.2; older servers answer with an error we ignore.
  if (options.libName) {
    steps.push({ args: ["CLIENT", "SETINFO", "LIB-NAME", options.libName], kind: "optional" });
  }
  if (options.libVersion) {
    steps.push({ args: ["CLIENT", "SETINFO", "LIB-VER", options.libVersion], kind: "optional" });
  }
  return steps;
}

/**
 * Judges the handshake's replies; throws the first failure that matters.
 *
 * @param steps The steps sent.
 * @param replies Their replies, in order (error replies as values).
 * @param address `host:port`, for the message.
 * @param options Resolved options (the user name appears in messages, never the password).
 * @throws {AuthenticationError} If the server refused the credentials.
 * @throws {ConnectionError} If a required step failed.
 */
export function checkHandshake(
  steps: readonly HandshakeStep[],
  replies: readonly (Reply | Error)[],
  address: string,
  options: ResolvedConnectionOptions,
): void {
  steps.forEach((step, index) => {
    const reply = replies[index];
    if (!(reply instanceof ReplyError)) return;
    if (reply.code === "NOAUTH" && options.password === undefined) {
      throw new AuthenticationError(
        `${address} requires authentication (${reply.message}): set the password option ` +
          "(and username for an ACL user), or a password in the URL",
        { cause: reply },
      );
    }
    if (step.kind === "optional") return;
    const command = String(step.args[0]);
    if (step.kind === "auth" || reply instanceof AuthReplyError) {
      const user = options.username ?? "default";
      throw new AuthenticationError(
        `Authentication failed for user "${user}" on ${address}: ${reply.message} ` +
          "(check the username and password, or the server's requirepass / ACL)",
        { cause: reply },
      );
    }
    if (command === "HELLO" && /unknown command/i.test(reply.message)) {
      throw new ConnectionError(
        `${address} does not support RESP3 (HELLO failed: ${reply.message}); use protocol: 2`,
        { cause: reply },
      );
    }
    throw new ConnectionError(
      `Handshake with ${address} failed at ${command}: ${reply.message}`,
      { cause: reply },
    );
  });
}
