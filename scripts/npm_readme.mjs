/**
 * The npm package's README, generated from the repository's README.md (the
 * JSR one) so both say the same: the Deno-only sections (trying the
 * repository, its tasks, the npm build itself, benchmarks, layout) give way
 * to Node ones (install, ESM with try/finally next to `await using`,
 * CommonJS, migrating from ioredis and node-redis), and Deno calls in the
 * shared code blocks become their Node equivalents.
 *
 * Usage: `node scripts/npm_readme.mjs` prints it; scripts/build_npm.mjs
 * writes it to npm/README.md.
 *
 * @module
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/** README.md sections left out of the npm README (they are about the repository). */
const REPOSITORY_ONLY = [
  "Try it",
  "Install",
  "Quick start",
  "The npm build",
  "Benchmarks",
  "Layout",
];

const NODE_SECTIONS = `## Install

\`\`\`sh
npm install @redwire/redis        # Node 20+, Bun; also Cloudflare Workers, Vercel Edge and browsers
\`\`\`

Until the package is published, install it from a local build of the repository:

\`\`\`sh
deno task build:npm               # in a clone of the repository: writes npm/
npm pack ./npm                    # redwire-redis-<version>.tgz
npm install /path/to/redwire-redis-<version>.tgz
\`\`\`

The package has named exports only (there is no default export):
\`import { Redis } from "@redwire/redis"\`, not \`import Redis from\`.

## Quick start (Node, ES modules)

\`\`\`js
import { Redis } from "@redwire/redis";

const redis = new Redis("redis://localhost:6379/0");
try {
  await redis.set("greeting", "hello", { ex: 60 });
  console.log(await redis.get("greeting")); // "hello"
  const [ok, value] = await redis.pipeline().set("a", "1").get("a").exec();
  const counts = await redis.multi().incr("n").incr("n").exec();
} finally {
  await redis.close(); // lets the process exit
}
\`\`\`

With TypeScript 5.2+ (or Node 24+), \`await using\` closes the client for you at the end of the block:

\`\`\`ts
import { Redis } from "@redwire/redis";

await using redis = new Redis("redis://localhost:6379/0");
await redis.set("greeting", "hello", { ex: 60 });
\`\`\`

## CommonJS

\`\`\`js
const { Redis } = require("@redwire/redis");

async function main() {
  const redis = new Redis({ host: "127.0.0.1", port: 6379 });
  try {
    await redis.set("greeting", "hello");
    console.log(await redis.get("greeting"));
  } finally {
    await redis.close();
  }
}
main();
\`\`\`

## Runtimes

The same import works everywhere; the package's export conditions pick what the runtime can do.

| runtime                         | default transport                        | notes                                                  |
| ------------------------------- | ---------------------------------------- | ------------------------------------------------------ |
| Node 20+, Bun, Deno (\`npm:\`)    | \`node:net\` / \`node:tls\`                  | ESM and CommonJS                                       |
| Cloudflare Workers (\`workerd\`)  | \`connect()\` from \`cloudflare:sockets\`    | no \`nodejs_compat\` needed; one client per request      |
| Vercel Edge, browsers, workers  | none: \`webSocketTransport()\` + a bridge  | without one, the first command names \`webSocketTransport\` |

## Migrating from ioredis or node-redis

|                     | ioredis                                        | node-redis                                  | @redwire/redis                                                        |
| ------------------- | ---------------------------------------------- | ------------------------------------------- | --------------------------------------------------------------------- |
| import              | \`import Redis from "ioredis"\`                  | \`import { createClient } from "redis"\`      | \`import { Redis } from "@redwire/redis"\` (named export)               |
| CommonJS            | \`const Redis = require("ioredis")\`             | \`const { createClient } = require("redis")\` | \`const { Redis } = require("@redwire/redis")\`                         |
| construct           | \`new Redis(6379, "host")\`, \`new Redis(url)\`    | \`await createClient({ url }).connect()\`     | \`new Redis(url)\`, \`new Redis({ host, port, db, password })\`; no connect call |
| expiry on SET       | \`set(k, v, "EX", 10)\`                          | \`set(k, v, { EX: 10 })\`                     | \`set(k, v, { ex: 10 })\` (redis-py's names in camelCase)               |
| pipeline            | \`pipeline().get(k).exec()\` → \`[[err, v], ...]\` | \`multi().get(k).execAsPipeline()\`           | \`pipeline().get(k).exec()\` → \`[v, ...]\`; the first error reply throws (\`exec({ raiseOnError: false })\` keeps errors in place) |
| transaction         | \`multi().incr(k).exec()\`                       | \`multi().incr(k).exec()\`                    | \`multi().incr(k).exec()\`; \`watch([k], async (tx) => ...)\`              |
| events              | \`on("error" \\| "ready" \\| "reconnecting")\`      | \`on("error" \\| "ready")\`                     | \`on("error" \\| "ready" \\| "reconnecting" \\| "close")\`; a failed command rejects its own promise |
| pub/sub             | a second client + \`on("message")\`             | \`duplicate()\` + \`subscribe(ch, fn)\`         | \`await redis.subscribe(ch, fn)\` (its own connection, restored after a reconnect) |
| close               | \`quit()\` / \`disconnect()\`                      | \`quit()\` / \`destroy()\`                      | \`await redis.close()\`                                                 |
| concurrency         | one connection, pipelined                      | one connection, pipelined                   | a pool (\`maxConnections\`, default 50), auto-pipelined per tick        |
`;

/**
 * Rewrites Deno calls in a code block into Node's.
 *
 * @param {string} code
 */
function nodeCode(code) {
  return code
    .replace(/Deno\.env\.get\("([A-Z_]+)"\)/g, "process.env.$1")
    .replace(/await Deno\.readTextFile\(("[^"]+")\)/g, 'readFileSync($1, "utf8")')
    .replace(
      /^(import .*\n)/,
      (line) =>
        code.includes("Deno.readTextFile")
          ? `import { readFileSync } from "node:fs";\n${line}`
          : line,
    );
}

/**
 * The npm README for a given README.md.
 *
 * @param {string} markdown The repository's README.md.
 * @returns {string}
 */
export function npmReadme(markdown) {
  const [intro, ...sections] = markdown.split(/^(?=## )/m);
  const kept = sections.filter((section) => {
    const title = section.slice(3, section.indexOf("\n")).trim();
    return !REPOSITORY_ONLY.includes(title);
  });
  const body = [intro.replace(/^# .*$/m, "# @redwire/redis"), NODE_SECTIONS, ...kept].join("\n")
    .replace(/```ts\n([\s\S]*?)```/g, (_, code) => `\`\`\`ts\n${nodeCode(code)}\`\`\``);
  return body.trimEnd() +
    "\n\nThe same package is on JSR for Deno (`deno add jsr:@redwire/redis`), built from the same sources.\n";
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const root = join(import.meta.dirname, "..");
  process.stdout.write(npmReadme(readFileSync(join(root, "README.md"), "utf8")));
}
