/**
 * A driver to profile big values on one `Connection`: a 1 MiB value GET (or
 * SET) again and again against a server you started, on Deno (the sources)
 * or Node (the npm build). Prints MB/s; the profile is the point:
 *
 *   deno run -A --cpu-prof bench/profile_big_values.mjs ./mod.ts 6380 get
 *   node --cpu-prof bench/profile_big_values.mjs ./npm/esm/mod.js 6380 get
 *
 * Arguments: the module to load (relative to the current folder), the
 * server's port, `get` | `getbytes` (decodeResponses false) | `set`, seconds.
 *
 * @module
 */

const args = globalThis.Deno?.args ?? globalThis.process.argv.slice(2);
const [modulePath, port, op = "get", seconds = "3"] = args;
const cwd = globalThis.Deno?.cwd() ?? globalThis.process.cwd();
const { Connection } = await import(new URL(modulePath, `file://${cwd}/`).href);

const MIB = 1024 * 1024;
const BIG = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_".repeat(MIB / 64);
const connection = new Connection({
  host: "127.0.0.1",
  port: Number(port),
  decodeResponses: op !== "getbytes",
});
await connection.connect();
await connection.command(["SET", "profile:big", BIG]);
const end = Date.now() + Number(seconds) * 1000;
const started = performance.now();
let count = 0;
while (Date.now() < end) {
  if (op === "set") {
    await connection.command(["SET", "profile:big:set", BIG]);
  } else {
    const value = await connection.command(["GET", "profile:big"]);
    if (value.length !== MIB) throw new Error(`wrong reply: ${value.length} bytes`);
  }
  count++;
}
const elapsed = (performance.now() - started) / 1000;
console.log(`${op}: ${(count * MIB / 1e6 / elapsed).toFixed(0)} MB/s, ${count} values`);
await connection.close();
