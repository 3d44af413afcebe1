/**
 * `deno task example:browser`: serves examples/browser.html, which uses
 * redwire in a browser through a redwire bridge. Starts a throwaway
 * redis-server (or uses REDIS_URL), the bridge, a browser bundle of the
 * library (`deno bundle --platform browser mod.ts`) and a tiny HTTP server;
 * then opens the page in headless Chromium (Debian's `chromium`, or
 * $CHROMIUM), prints what the page reports and stops everything.
 *
 * Set KEEP_SERVING=1 to open the page in your own browser instead.
 */
import { serveBridge } from "@redwire/redis/bridge";
import { parseRedisUrl } from "@redwire/redis";
import { exampleServer } from "./_server.ts";

const REPORT_TIMEOUT_MS = 60_000;
const root = new URL("../", import.meta.url).pathname;

const redisServer = await exampleServer();
const token = crypto.randomUUID();
const { host = "127.0.0.1", port = 6379 } = parseRedisUrl(redisServer.url);
const bridge = await serveBridge({ port: 0, target: { host, port }, token });
const work = await Deno.makeTempDir({ prefix: "redwire-browser-" });
let chromium: Deno.ChildProcess | undefined;
try {
  const bundled = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--platform",
      "browser",
      "--minify",
      "-o",
      `${work}/redwire.js`,
      `${root}mod.ts`,
    ],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!bundled.success) throw new Error("deno bundle failed");
  const script = await Deno.readFile(`${work}/redwire.js`);
  console.log(`bundled redwire for the browser: ${(script.length / 1024).toFixed(0)} KiB`);

  let report!: (text: string) => void;
  const reported = new Promise<string>((resolve) => (report = resolve));
  const config = {
    bridgeUrl: `ws://127.0.0.1:${bridge.port}/`,
    token,
    prefix: `example:browser:${crypto.randomUUID().slice(0, 8)}:`,
  };
  const http = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const path = new URL(request.url).pathname;
      if (path === "/redwire.js") {
        return new Response(script, { headers: { "content-type": "text/javascript" } });
      }
      if (path === "/config") return Response.json(config);
      if (path === "/report" && request.method === "POST") {
        report(await request.text());
        return new Response("thanks");
      }
      const page = await Deno.readFile(`${root}examples/browser.html`);
      return new Response(page, { headers: { "content-type": "text/html" } });
    },
  );
  const url = `http://127.0.0.1:${http.addr.port}/`;
  try {
    if (Deno.env.get("KEEP_SERVING")) {
      console.log(`open ${url} in a browser (Ctrl-C to stop)`);
      await http.finished;
    }
    const executable = Deno.env.get("CHROMIUM") ?? "chromium";
    console.log(`opening ${url} in headless ${executable}`);
    chromium = new Deno.Command(executable, {
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        `--user-data-dir=${work}/profile`,
        "--remote-debugging-port=0", // keeps headless Chromium open until we close it
        url,
      ],
      stdout: "null",
      stderr: "null",
    }).spawn();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const text = await Promise.race([
      reported,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the page reported nothing within ${REPORT_TIMEOUT_MS / 1000} s`)),
          REPORT_TIMEOUT_MS,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    console.log(`the page says:\n  ${text.split("\n").join("\n  ")}`);
    if (text.includes("error ->")) throw new Error("the page failed");
  } finally {
    await http.shutdown();
  }
} finally {
  if (chromium !== undefined) {
    chromium.kill("SIGKILL");
    await chromium.status;
  }
  await bridge.close();
  await redisServer.stop();
  await Deno.remove(work, { recursive: true });
}
