import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isRetryable } from "../src/connection/mod.ts";
import {
  AuthenticationError,
  AuthReplyError,
  BusyError,
  BusyLoadingError,
  ConnectionError,
  MasterNotFoundError,
  NoConnectionError,
  NoPermissionError,
  NoScriptError,
  OverflowError,
  PoolExhaustedError,
  PoolTimeoutError,
  ProtocolError,
  ReadOnlyError,
  RedirectionError,
  RedisError,
  ReplicaNotFoundError,
  ReplyError,
  TimeoutError,
  toReplyError,
} from "../src/errors.ts";

type AnyErrorClass = new (message: string) => Error;

describe("toReplyError", () => {
  const cases: [string, AnyErrorClass, string][] = [
    ["READONLY You can't write against a read only replica.", ReadOnlyError, "READONLY"],
    ["NOSCRIPT No matching script. Please use EVAL.", NoScriptError, "NOSCRIPT"],
    ["LOADING Redis is loading the dataset in memory", BusyLoadingError, "LOADING"],
    ["BUSY Redis is busy running a script.", BusyError, "BUSY"],
    ["WRONGPASS invalid username-password pair or user is disabled.", AuthReplyError, "WRONGPASS"],
    ["NOAUTH Authentication required.", AuthReplyError, "NOAUTH"],
    ["NOPERM this user has no permissions to run the 'get' command", NoPermissionError, "NOPERM"],
    ["MOVED 3999 127.0.0.1:6381", RedirectionError, "MOVED"],
    ["ASK 3999 127.0.0.1:6381", RedirectionError, "ASK"],
  ];

  for (const [message, ErrorClass, code] of cases) {
    it(`builds ${ErrorClass.name} for ${code}`, () => {
      const error = toReplyError(message);
      assert.ok(error instanceof ErrorClass);
      assert.ok(error instanceof ReplyError);
      assert.ok(error instanceof RedisError);
      assert.ok(error instanceof Error);
      assert.equal(error.constructor, ErrorClass);
      assert.equal(error.name, ErrorClass.name);
      assert.equal(error.code, code);
      assert.equal(error.message, message);
      assert.equal(String(error), `${ErrorClass.name}: ${message}`);
    });
  }

  it("builds a plain ReplyError for other prefixes, keeping the code", () => {
    for (
      const message of [
        "ERR unknown command 'FOO'",
        "WRONGTYPE Operation against a key",
        "EXECABORT x",
      ]
    ) {
      const error = toReplyError(message);
      assert.equal(error.constructor, ReplyError);
      assert.equal(error.name, "ReplyError");
      assert.equal(error.code, message.split(" ")[0]);
    }
  });

  it("matches prefixes exactly: BUSYKEY and READONLYX are not BusyError and ReadOnlyError", () => {
    assert.equal(toReplyError("BUSYKEY Target key name already exists.").constructor, ReplyError);
    assert.equal(toReplyError("READONLYX nope").constructor, ReplyError);
    assert.equal(toReplyError("readonly lower case").constructor, ReplyError);
  });

  it("reads the code of a one-word or empty message", () => {
    assert.equal(toReplyError("NOSCRIPT").code, "NOSCRIPT");
    assert.ok(toReplyError("NOSCRIPT") instanceof NoScriptError);
    assert.equal(toReplyError("").code, "");
  });

  it("reads slot and address from MOVED and ASK", () => {
    const moved = toReplyError("MOVED 3999 127.0.0.1:6381") as RedirectionError;
    assert.equal(moved.slot, 3999);
    assert.equal(moved.address, "127.0.0.1:6381");
    const ask = toReplyError("ASK 12182 [::1]:7002") as RedirectionError;
    assert.equal(ask.slot, 12182);
    assert.equal(ask.address, "[::1]:7002");
  });
});

describe("RedisError", () => {
  const hierarchy: [AnyErrorClass, AnyErrorClass[]][] = [
    [ConnectionError, [RedisError]],
    [PoolExhaustedError, [ConnectionError, RedisError]],
    [PoolTimeoutError, [ConnectionError, RedisError]],
    [AuthenticationError, [ConnectionError, RedisError]],
    [MasterNotFoundError, [ConnectionError, RedisError]],
    [ReplicaNotFoundError, [MasterNotFoundError, ConnectionError, RedisError]],
    [TimeoutError, [RedisError]],
    [ProtocolError, [RedisError]],
    [ReplyError, [RedisError]],
    [ReadOnlyError, [ReplyError, RedisError]],
    [NoScriptError, [ReplyError, RedisError]],
    [BusyLoadingError, [ReplyError, RedisError]],
    [BusyError, [ReplyError, RedisError]],
    [AuthReplyError, [ReplyError, RedisError]],
    [NoPermissionError, [ReplyError, RedisError]],
    [RedirectionError, [ReplyError, RedisError]],
    [NoConnectionError, [RedisError]],
  ];

  it("is the root of the hierarchy of DESIGN.md §3", () => {
    for (const [ErrorClass, ancestors] of hierarchy) {
      const error = new ErrorClass("what happened");
      for (const Ancestor of [...ancestors, Error]) {
        assert.ok(error instanceof Ancestor, `${ErrorClass.name} extends ${Ancestor.name}`);
      }
      assert.equal(error.name, ErrorClass.name);
      assert.equal(error.message, "what happened");
    }
  });

  it("keeps the branches apart: timeouts, protocol and reply errors are not connection errors", () => {
    for (const ErrorClass of [TimeoutError, ProtocolError, ReplyError, NoConnectionError]) {
      assert.ok(!(new ErrorClass("x") instanceof ConnectionError), ErrorClass.name);
    }
    assert.ok(!(new ConnectionError("x") instanceof ReplyError));
    assert.ok(!(new AuthReplyError("WRONGPASS x") instanceof AuthenticationError));
  });

  it("names itself RedisError and keeps a cause", () => {
    const cause = new Error("socket");
    const error = new RedisError("failed", { cause });
    assert.equal(error.name, "RedisError");
    assert.equal(error.cause, cause);
    assert.equal(String(error), "RedisError: failed");
  });
});

describe("ConnectionError", () => {
  it("says the command was not written unless told", () => {
    assert.equal(new ConnectionError("x").written, false);
    assert.equal(new ConnectionError("x", { written: false }).written, false);
    assert.equal(new ConnectionError("x", { written: true }).written, true);
  });

  it("passes written and cause on to its subclasses", () => {
    const cause = new Error("reset");
    for (const ErrorClass of [PoolExhaustedError, PoolTimeoutError, AuthenticationError]) {
      const error = new ErrorClass("x", { written: true, cause });
      assert.equal(error.written, true, ErrorClass.name);
      assert.equal(error.cause, cause, ErrorClass.name);
    }
  });
});

describe("TimeoutError", () => {
  it("carries written and cause", () => {
    assert.equal(new TimeoutError("x").written, false);
    const cause = new Error("slow");
    const error = new TimeoutError("x", { written: true, cause });
    assert.equal(error.written, true);
    assert.equal(error.cause, cause);
  });
});

describe("MasterNotFoundError", () => {
  it("lists what each sentinel answered", () => {
    const answers = [{ sentinel: "10.0.0.1:26379", answer: "no master named mymaster" }];
    const error = new MasterNotFoundError("No master for mymaster", answers, { written: false });
    assert.deepEqual(error.answers, answers);
    assert.deepEqual(new ReplicaNotFoundError("none").answers, []);
    assert.equal(new ReplicaNotFoundError("none").name, "ReplicaNotFoundError");
  });
});

describe("ReplyError", () => {
  it("takes its code from the first word and keeps a cause", () => {
    const cause = new ReplyError("ERR inner");
    const error = new ReplyError("EXECABORT Transaction discarded", { cause });
    assert.equal(error.code, "EXECABORT");
    assert.equal(error.cause, cause);
  });
});

describe("isRetryable", () => {
  const decision = { retryOnTimeout: false, retryOnError: [] };

  it("never retries what would fail the same way again at once, subclasses included", () => {
    const refusals = [
      PoolExhaustedError,
      PoolTimeoutError,
      AuthenticationError,
      OverflowError,
      MasterNotFoundError,
      ReplicaNotFoundError,
    ];
    for (const ErrorClass of refusals) {
      assert.equal(isRetryable(new ErrorClass("refused"), decision), false, ErrorClass.name);
    }
    assert.equal(isRetryable(new ConnectionError("reset"), decision), true);
    assert.equal(isRetryable(new ConnectionError("reset", { written: true }), decision), false);
  });
});
