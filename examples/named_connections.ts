/**
 * Named connections (RedPipe): two servers registered under names, an alias,
 * and one logical pipeline whose commands go to both servers — one batch per
 * server, sent in parallel — with a helper function joining the caller's pipe.
 *
 * Uses REDIS_URL and REDIS_URL_2 when set; otherwise starts redis-server
 * processes on free ports and stops them at the end.
 *
 * Run: deno task example:named_connections
 *
 * @module
 */
import { connections, type NamedPipeline, pipeline } from "@redwire/redis";
import { type ExampleServer, exampleServer } from "./_server.ts";

/** The second server: REDIS_URL_2, or one of our own (an argument makes exampleServer start one). */
function secondServer(): Promise<ExampleServer> {
  const given = Deno.env.get("REDIS_URL_2");
  if (given) return Promise.resolve({ url: given, stop: () => Promise.resolve() });
  return exampleServer(["--appendonly", "no"]);
}

/** Saves a message: alone, or as part of the caller's pipeline when given one. */
function saveMessage(id: string, body: string, pipe?: NamedPipeline): Promise<unknown[]> {
  return pipeline(pipe, { name: "messages" }).run((p) => {
    p.hset(`example:m{${id}}`, { body, at: Date.now() });
  });
}

const servers = [await exampleServer(), await secondServer()];
try {
  // Created from URLs, so the registry owns the clients and reset() closes them.
  connections.connect(servers[0]!.url, { name: "users" });
  connections.connect(servers[1]!.url, { name: "messages" });
  connections.connect(connections.get("users"), { name: "sessions" }); // an alias
  console.log("names:", connections.names().join(", "));

  {
    await using users = pipeline({ name: "users", autocommit: true });
    users.hset("example:u{1}", "name", "joe");
  } // executed here

  await saveMessage("1", "hi there"); // runs by itself

  const p = pipeline();
  const user = p.on("users").hgetall("example:u{1}");
  const session = p.on("sessions").set("example:s{1}", "token-1"); // same batch as "users"
  await saveMessage("2", "second message", p); // joins p: sent at p.exec()
  const messages = [
    p.on("messages").hget("example:m{1}", "body"),
    p.on("messages").hget("example:m{2}", "body"),
  ];
  const ports = [p.on("users").configGet("port"), p.on("messages").configGet("port")];
  await p.exec(); // one batch per server, in parallel

  console.log("user:", user.value, "session set:", session.value);
  console.log("messages:", messages.map((m) => m.value));
  console.log("users on port", ports[0]!.value.port, "- messages on port", ports[1]!.value.port);

  // A throw inside run() discards the commands: nothing is sent.
  await pipeline({ name: "users" }).run((users) => {
    users.del("example:u{1}");
    throw new Error("changed my mind");
  }).catch((error: Error) => console.log("not executed:", error.message));
  console.log("still there:", await connections.get("users").hget("example:u{1}", "name"));
} finally {
  await connections.reset();
  await Promise.all(servers.map((server) => server.stop()));
}
