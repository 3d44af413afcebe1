/**
 * Big values end to end against a real server: arguments written as chunks
 * of their own (the scratch buffer reused write after write), replies read
 * over many socket reads, as text and as bytes.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Connection } from "../mod.ts";
import { type RedisServer, startRedis } from "./support/mod.ts";

const MIB = 1024 * 1024;

function text(length: number, seed: number): string {
  let out = "";
  for (let i = seed; out.length < length; i++) out += `${i % 10}abcdefghijklmnopqrstuvwxyz-é€`;
  return out.slice(0, length);
}

describe("Connection with big values", () => {
  let server: RedisServer;
  before(async () => {
    server = await startRedis();
  });
  after(() => server.stop());

  it("writes big strings and bytes and reads them back, write after write", async () => {
    await using conn = new Connection({ host: server.host, port: server.port });
    const bytes = new Uint8Array(3 * MIB).map((_, i) => i * 31);
    for (let round = 0; round < 3; round++) {
      // All ASCII (Node's Buffer decodes it) and not (TextDecoder does).
      const ascii = "a".repeat(MIB + round);
      const first = ascii + text(1000, round);
      const second = text(2 * MIB - round, round);
      const replies = await conn.batch([
        ["SET", "big:1", first],
        ["SET", "big:2", second],
        ["SET", "big:3", bytes],
        ["SET", "big:4", ascii],
        ["GET", "big:1"],
        ["GET", "big:2"],
        ["STRLEN", "big:3"],
        ["GET", "big:4"],
      ]);
      assert.deepEqual(replies.slice(0, 4), ["OK", "OK", "OK", "OK"], `round ${round}`);
      assert.ok(replies[4] === first, `round ${round}: the first big string`);
      assert.ok(replies[5] === second, `round ${round}: the second big string`);
      assert.equal(replies[6], bytes.length);
      assert.ok(replies[7] === ascii, `round ${round}: the ASCII string`);
    }
    await using raw = new Connection({
      host: server.host,
      port: server.port,
      decodeResponses: false,
    });
    const [value, small] = await raw.batch([["GET", "big:3"], ["ECHO", "after"]]);
    assert.deepEqual(value, bytes);
    assert.deepEqual(small, new TextEncoder().encode("after"));
  });
});
