import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { inspect } from "node:util";
import { Connection, parseRedisUrl, redactUrl, Secret } from "../src/connection/mod.ts";
import { BlockingConnectionPool } from "../src/pool/mod.ts";

const SECRET = "s3cret-Pa55";

/** Asserts that parsing `url` throws a TypeError matching `what` that never shows `secret`. */
function assertInvalid(url: string, what: RegExp, secret = SECRET): void {
  assert.throws(() => parseRedisUrl(url), (error: unknown) => {
    assert.ok(error instanceof TypeError, `${url}: ${String(error)}`);
    assert.match(error.message, what);
    assert.match(error.message, /^Invalid Redis URL/);
    assert.ok(!error.message.includes(secret), `message shows the password: ${error.message}`);
    assert.ok(!String(error).includes(secret), "String(error) shows the password");
    return true;
  });
}

/** The parsed options with the password revealed, so deepEqual compares it (a Secret hides it). */
function parse(url: string): Record<string, unknown> {
  const options: Record<string, unknown> = { ...parseRedisUrl(url) };
  if (options.password !== undefined) {
    assert.ok(options.password instanceof Secret, "the password is not held in a Secret");
    options.password = options.password.reveal();
  }
  return options;
}

describe("parseRedisUrl", () => {
  it("reads host, port and db from redis://", () => {
    assert.deepEqual(parse("redis://cache.local:6380/2"), {
      host: "cache.local",
      port: 6380,
      db: 2,
    });
  });

  it("leaves out what the URL does not say, so defaults apply", () => {
    assert.deepEqual(parse("redis://cache.local"), { host: "cache.local" });
    assert.deepEqual(parse("redis://cache.local/"), { host: "cache.local" });
    const resolved = new Connection("redis://cache.local").options;
    assert.equal(resolved.port, 6379);
    assert.equal(resolved.db, 0);
    assert.equal(resolved.tls, undefined);
  });

  it("turns rediss:// on TLS", () => {
    assert.deepEqual(parse("rediss://cache.local:6380/1"), {
      tls: true,
      host: "cache.local",
      port: 6380,
      db: 1,
    });
    assert.deepEqual(new Connection("rediss://cache.local").options.tls, {});
  });

  it("reads a Unix socket path from unix://", () => {
    assert.deepEqual(parse("unix:///tmp/redis.sock"), { path: "/tmp/redis.sock" });
    assert.deepEqual(parse("unix:///var/run/my%20redis.sock?db=3"), {
      path: "/var/run/my redis.sock",
      db: 3,
    });
    assert.equal(new Connection("unix:///tmp/redis.sock").address, "/tmp/redis.sock");
  });

  it("reads credentials from unix://user:password@/path", () => {
    assert.deepEqual(parse("unix://joe:pw%40x@/tmp/redis.sock?db=1"), {
      username: "joe",
      password: "pw@x",
      path: "/tmp/redis.sock",
      db: 1,
    });
    assert.deepEqual(parse("unix://:pw@/tmp/redis.sock"), {
      password: "pw",
      path: "/tmp/redis.sock",
    });
  });

  it("percent-decodes the user name and password", () => {
    assert.deepEqual(parse("redis://j%C3%B6e:p%40ss%3Aw%2Frd%25@h"), {
      username: "jöe",
      password: "p@ss:w/rd%",
      host: "h",
    });
  });

  it("takes a password alone, with an empty user name", () => {
    assert.deepEqual(parse("redis://:only-pw@h:1/0"), {
      password: "only-pw",
      host: "h",
      port: 1,
      db: 0,
    });
    assert.deepEqual(parse("redis://joe@h"), { username: "joe", host: "h" });
  });

  it("keeps an unencoded @ in the password (the last @ ends the credentials)", () => {
    assert.equal(parse("redis://:p@ss@h").password, "p@ss");
  });

  it("reads the query options, camelCase and snake_case", () => {
    const camel = parseRedisUrl(
      "redis://h?db=4&protocol=3&clientName=web&socketTimeout=100&socketConnectTimeout=200&healthCheckInterval=5",
    );
    assert.deepEqual(camel, {
      host: "h",
      db: 4,
      protocol: 3,
      clientName: "web",
      socketTimeout: 100,
      socketConnectTimeout: 200,
      healthCheckInterval: 5,
    });
    const snake = parseRedisUrl(
      "redis://h?client_name=a%20b&socket_timeout=7&socket_connect_timeout=0.25&health_check_interval=9&decode_responses=False",
    );
    // snake_case names are redis-py's, so are their units: seconds.
    assert.deepEqual(snake, {
      host: "h",
      clientName: "a b",
      socketTimeout: 7000,
      socketConnectTimeout: 250,
      healthCheckInterval: 9000,
      decodeResponses: false,
    });
  });

  it("reads redis-py's query options and units", () => {
    assert.deepEqual(
      parse(
        "rediss://:pw@h?ssl_cert_reqs=none&ssl_check_hostname=false&socket_keepalive=true&retry_on_timeout=yes&max_connections=20&timeout=2.5",
      ),
      {
        password: "pw",
        host: "h",
        tls: { rejectUnauthorized: false },
        socketKeepalive: true,
        retryOnTimeout: true,
        maxConnections: 20,
        timeout: 2500,
      },
    );
    assert.deepEqual(parse("rediss://h?ssl_cert_reqs=required&ssl_check_hostname=true"), {
      host: "h",
      tls: true,
    });
    assert.deepEqual(parse("redis://h?socketKeepalive=0&maxConnections=3"), {
      host: "h",
      socketKeepalive: false,
      maxConnections: 3,
    });
  });

  it("reads booleans as redis-py does: 0, f, false, n, no (any case) are false", () => {
    for (const value of ["0", "f", "F", "false", "False", "FALSE", "n", "N", "no", "No"]) {
      assert.equal(parse(`redis://h?decode_responses=${value}`).decodeResponses, false, value);
    }
    for (const value of ["1", "t", "true", "True", "yes", "y", "on"]) {
      assert.equal(parse(`redis://h?decode_responses=${value}`).decodeResponses, true, value);
    }
    assert.deepEqual(parse("redis://h?decode_responses="), { host: "h" });
  });

  it("percent-decodes the host", () => {
    assert.equal(parse("redis://my%2Ehost:6380").host, "my.host");
    assert.equal(new Connection("redis://my%2Ehost").address, "my.host:6379");
  });

  it("refuses TLS query options on a plain URL, and a host check it cannot turn off", () => {
    assertInvalid(`redis://:${SECRET}@h?ssl_cert_reqs=none`, /need a rediss:\/\/ URL/);
    assertInvalid(`rediss://:${SECRET}@h?ssl_cert_reqs=maybe`, /ssl_cert_reqs=maybe is not none/);
    assertInvalid(`rediss://:${SECRET}@h?ssl_check_hostname=false`, /ssl_cert_reqs=none/);
  });

  it("keeps the password out of every printable form", () => {
    const options = parseRedisUrl(`redis://joe:${SECRET}@h?clientName=x`);
    const connection = new Connection(`redis://joe:${SECRET}@h?clientName=x`);
    const forms = [
      JSON.stringify(options),
      String(options.password),
      `${options.password}`,
      inspect(options),
      inspect(options, { showHidden: true, depth: 9 }),
      inspect(options, { showHidden: true, customInspect: false, depth: 9 }),
      inspect(connection, { showHidden: true, depth: 9 }),
      inspect(connection.options, { showHidden: true, customInspect: false, depth: 9 }),
      JSON.stringify(connection.options),
      String(connection),
    ];
    const deno = (globalThis as { Deno?: { inspect(v: unknown, o?: object): string } }).Deno;
    if (deno !== undefined) {
      forms.push(deno.inspect(options, { showHidden: true, depth: 9 }));
      forms.push(deno.inspect(connection, { showHidden: true, depth: 9 }));
    }
    const hits = forms.filter((form) => form.includes(SECRET));
    console.log(`password canary: ${hits.length} hits in ${forms.length} printable forms`);
    assert.deepEqual(hits, []);
    assert.equal(options.password instanceof Secret && options.password.reveal(), SECRET);
  });

  it("makes pools that print their db and client name, never the password", async () => {
    await using zero = BlockingConnectionPool.fromUrl(`redis://:${SECRET}@h/0?client_name=web`);
    await using one = BlockingConnectionPool.fromUrl(`redis://:${SECRET}@h/1?max_connections=7`);
    assert.equal(String(zero), "BlockingConnectionPool(h:6379 db=0 name=web 0/50 in use)");
    assert.equal(String(one), "BlockingConnectionPool(h:6379 db=1 0/7 in use)");
  });

  it("lets a db query option override the path", () => {
    assert.equal(parseRedisUrl("redis://h/2?db=5").db, 5);
  });

  it("reads username and password from the query", () => {
    assert.deepEqual(parse("unix:///tmp/r.sock?username=joe&password=pw"), {
      path: "/tmp/r.sock",
      username: "joe",
      password: "pw",
    });
  });

  it("reads IPv6 hosts without their brackets", () => {
    assert.deepEqual(parse("redis://[::1]:6390/3"), { host: "::1", port: 6390, db: 3 });
    const connection = new Connection("redis://[fe80::1]:6390");
    assert.equal(connection.options.host, "fe80::1");
    assert.equal(connection.address, "[fe80::1]:6390");
  });

  it("is what the Connection and its options are built from", () => {
    const options = new Connection("rediss://joe:pw@h:7000/3?protocol=3&clientName=svc").options;
    assert.equal(options.host, "h");
    assert.equal(options.port, 7000);
    assert.equal(options.db, 3);
    assert.equal(options.username, "joe");
    assert.equal(options.password?.reveal(), "pw");
    assert.equal(options.protocol, 3);
    assert.equal(options.clientName, "svc");
    assert.deepEqual(options.tls, {});
  });

  it("leaves range checks to the options: protocol=4 is a RangeError naming it", () => {
    assert.deepEqual(parse("redis://h?protocol=4"), { host: "h", protocol: 4 });
    assert.throws(() => new Connection("redis://h?protocol=4"), /protocol must be 2 or 3, got 4/);
  });

  it("refuses an unparsable URL without showing the password", () => {
    assertInvalid(`redis://:${SECRET}@h:99999`, /cannot be parsed/);
    assertInvalid(`redis://joe:${SECRET}@h:port/0`, /cannot be parsed/);
    assertInvalid(`redis://:${SECRET}@h:99999`, /expected redis:\/\//);
  });

  it("refuses a password whose @ is followed by more @ without showing any of it", () => {
    assertInvalid(`redis://:ab@${SECRET}@h:99999`, /cannot be parsed/, SECRET);
  });

  it("refuses an unsupported scheme, naming it", () => {
    assertInvalid(`http://:${SECRET}@h`, /scheme "http:" is not supported/);
    assertInvalid(`localhost:6379`, /scheme "localhost:" is not supported/);
  });

  it("refuses a db path that is not a number", () => {
    assertInvalid(`redis://:${SECRET}@h/abc`, /database "abc" is not a number/);
    assertInvalid(`redis://:${SECRET}@h/-1`, /database "-1" is not a number/);
    assertInvalid(`redis://:${SECRET}@h/0/extra`, /database "0\/extra" is not a number/);
  });

  it("refuses an unknown query option, naming it", () => {
    assertInvalid(`redis://:${SECRET}@h?bogus=1`, /unknown query option "bogus"/);
  });

  it("refuses a numeric query option that is not a whole number", () => {
    assertInvalid(`redis://:${SECRET}@h?db=x`, /query option db=x is not a whole number/);
    assertInvalid(`redis://:${SECRET}@h?socketTimeout=-1`, /socketTimeout=-1/);
    assertInvalid(
      `redis://:${SECRET}@h?socket_timeout=-1.5`,
      /socket_timeout=-1.5 is not a number of seconds/,
    );
    assertInvalid(`redis://:${SECRET}@h?socketTimeout=1.5`, /socketTimeout=1.5/);
  });

  it("refuses a unix:// URL without a path", () => {
    assertInvalid("unix://", /socket path is missing/);
    assertInvalid(`unix://:${SECRET}@/`, /socket path is missing/);
  });

  it("refuses a malformed percent-escape with a TypeError, not a URIError", () => {
    assertInvalid(`redis://:${SECRET}%zz@h`, /malformed percent-escape/, SECRET);
    assertInvalid("redis://j%zz:pw@h", /the user name has a malformed percent-escape/, "pw@");
    assertInvalid(`unix://:${SECRET}@/tmp/a%zz.sock`, /the socket path has a malformed/, SECRET);
    assertInvalid("redis://h%zz:1/0", /the host has a malformed percent-escape/);
  });

  it("is used by the Connection constructor, which throws the same TypeError", () => {
    assert.throws(() => new Connection(`redis://:${SECRET}@h/abc`), (error: unknown) => {
      assert.ok(error instanceof TypeError);
      assert.ok(!error.message.includes(SECRET));
      return true;
    });
  });
});

describe("redactUrl", () => {
  it("replaces the password, keeping user, host, port and db", () => {
    assert.equal(redactUrl("redis://joe:s3cret@host:6379/0"), "redis://joe:***@host:6379/0");
    assert.equal(redactUrl("rediss://:s3cret@host"), "rediss://:***@host");
    assert.equal(redactUrl("unix://joe:s3cret@/tmp/r.sock"), "unix://joe:***@/tmp/r.sock");
  });

  it("hides a password that holds @", () => {
    assert.equal(redactUrl("redis://:p@ss@host/0"), "redis://:***@host/0");
    assert.equal(redactUrl("redis://joe:a@b@c@host:1"), "redis://joe:***@host:1");
  });

  it("hides a password given as a query option", () => {
    assert.equal(
      redactUrl("unix:///tmp/r.sock?db=1&password=s3cret&clientName=x"),
      "unix:///tmp/r.sock?db=1&password=***&clientName=x",
    );
  });

  it("hides the password of a URL that does not parse", () => {
    const redacted = redactUrl("redis://joe:pa/ss@word@host:99999");
    assert.ok(!redacted.includes("pa/ss") && !redacted.includes("word"), redacted);
    assert.match(redacted, /host:99999$/);
  });

  it("leaves a URL without a password unchanged", () => {
    for (
      const url of ["redis://host:6379/0", "redis://joe@host", "unix:///tmp/r.sock", "nonsense"]
    ) {
      assert.equal(redactUrl(url), url);
    }
  });
});
