/**
 * What the npm build writes about the package itself: its name, the
 * per-runtime variants of the transport's adapter table, and package.json
 * with the export conditions and the `imports` map that picks a variant.
 *
 * @module
 */

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { NPM_DIR } from "./_tools.mjs";

/** The package's name on npm, the same as on JSR. */
export const PACKAGE_NAME = "@redwire/redis";

/**
 * The conditions of the runtimes that reach Redis only through the
 * WebSocket bridge, which reaches ONE server: their variants leave out what
 * needs more (RedisCluster, Sentinel). workerd also sets `worker`, so every
 * map below names `workerd` (and the server runtimes) before these.
 */
const BRIDGE_ONLY = ["worker", "browser", "edge-light"];

/**
 * Modules built once per runtime family, each reached through its `imports`
 * specifier: `twin` is the module that stands in for the original in that
 * family (`null`: the original itself), `conditions` says which export
 * conditions pick it (in order; `default` comes last).
 */
export const VARIANTS = [
  {
    module: "src/transport/_adapters.ts",
    specifier: "#redwire/adapters",
    families: [
      {
        name: "workerd",
        twin: "scripts/twins/adapters_workerd.ts",
        conditions: ["workerd"],
      },
      {
        name: "node",
        twin: "scripts/twins/adapters_node.ts",
        conditions: ["bun", "deno", "node"],
      },
      {
        name: "web",
        twin: "scripts/twins/adapters_web.ts",
        conditions: [...BRIDGE_ONLY, "default"],
      },
    ],
  },
  ...[
    ["src/cluster/mod.ts", "#redwire/cluster", "scripts/twins/cluster_web.ts"],
    ["src/sentinel/mod.ts", "#redwire/sentinel", "scripts/twins/sentinel_web.ts"],
    ["src/client/sentinel.ts", "#redwire/client-sentinel", "scripts/twins/client_sentinel_web.ts"],
    ["src/client/_trace.ts", "#redwire/trace", "scripts/twins/trace_web.ts"],
    ["src/connection/tracing.ts", "#redwire/tracing", "scripts/twins/tracing_web.ts"],
    ["src/transport/select.ts", "#redwire/select", "scripts/twins/select_web.ts"],
    [
      "src/transport/_websocket_quirks.ts",
      "#redwire/websocket-quirks",
      "scripts/twins/websocket_quirks_web.ts",
    ],
  ].map(([module, specifier, twin]) => ({
    module,
    specifier,
    families: [
      { name: "full", twin: null, conditions: ["workerd", "bun", "deno", "node"] },
      { name: "web", twin, conditions: BRIDGE_ONLY },
      { name: "full", twin: null, conditions: ["default"] },
    ],
  })),
];

/** Modules only a variant reaches (the import graph follows the Node twin). */
export const VARIANT_ONLY_MODULES = ["src/transport/cloudflare.ts", "src/_browser_build.ts"];

const DESCRIPTION =
  "A Redis client for Deno, Node, Bun, Cloudflare Workers and the edge whose connections never leak, never hang " +
  "and fail over by themselves: auto-pipelining over real connection pools.";

/**
 * @param {{ version: string, license?: string }} deno
 * @param {{ subpath: string, name: string }[]} entries
 * @param {Record<string, string>} dependencies
 * @param {Record<string, string>} [peerDependencies]
 */
export function writePackageJson(deno, entries, dependencies, peerDependencies = {}) {
  /** @type {Record<string, unknown>} */
  const exports = {};
  for (const { subpath, name } of entries) {
    const formats = {
      import: { types: `./esm/${name}.d.ts`, default: `./esm/${name}.js` },
      require: { types: `./cjs/${name}.d.cts`, default: `./cjs/${name}.cjs` },
    };
    // Every runtime loads the same modules; what differs is the adapter
    // table behind `imports` below. The conditions are listed so bundlers
    // and readers see which runtimes the package knows.
    const conditions = Object.fromEntries(
      VARIANTS[0].families.flatMap((f) => f.conditions).filter((c) => c !== "default").map((
        c,
      ) => [c, formats]),
    );
    exports[subpath] = { ...conditions, ...formats };
  }
  const imports = Object.fromEntries(VARIANTS.map((variant) => [
    variant.specifier,
    Object.fromEntries(
      variant.families.flatMap((f) =>
        f.conditions.map((c) => [c, {
          import: `./esm/${variantPath(variant, f)}.js`,
          require: `./cjs/${variantPath(variant, f)}.cjs`,
        }])
      ),
    ),
  ]));
  exports["./package.json"] = "./package.json";
  const main = entries.find((e) => e.subpath === ".").name;
  const names = Object.keys(dependencies).sort();
  const peers = Object.keys(peerDependencies).sort();
  const pkg = {
    name: PACKAGE_NAME,
    version: deno.version,
    description: DESCRIPTION,
    license: deno.license ?? "MIT",
    keywords: [
      "redis",
      "client",
      "connection-pool",
      "sentinel",
      "resp3",
      "deno",
      "node",
      "bun",
      "cloudflare-workers",
      "edge",
    ],
    type: "module",
    main: `./cjs/${main}.cjs`,
    module: `./esm/${main}.js`,
    types: `./cjs/${main}.d.cts`,
    exports,
    imports,
    files: ["esm/", "cjs/", ...subpathFolders(entries), "README.md", "LICENSE"],
    engines: { node: ">=20" },
    sideEffects: false,
    ...(names.length > 0
      ? {
        dependencies: Object.fromEntries(
          names.map((n) => [n, dependencies[n]]),
        ),
      }
      : {}),
    // Each peer serves one optional entry point (`./otel`): the core needs none.
    ...(peers.length > 0
      ? {
        peerDependencies: Object.fromEntries(peers.map((n) => [n, peerDependencies[n]])),
        peerDependenciesMeta: Object.fromEntries(peers.map((n) => [n, { optional: true }])),
      }
      : {}),
  };
  writeJson(join(NPM_DIR, "package.json"), pkg);
  // TypeScript's legacy `moduleResolution: node10` ignores `exports`; a
  // folder per subpath (`@redwire/redis/bridge`) shows it the CommonJS build.
  for (const { subpath, name } of entries.filter((e) => e.subpath !== ".")) {
    const folder = join(NPM_DIR, subpath);
    const up = relative(folder, NPM_DIR).split(sep).join("/");
    writeJson(join(folder, "package.json"), {
      main: `${up}/cjs/${name}.cjs`,
      module: `${up}/esm/${name}.js`,
      types: `${up}/cjs/${name}.d.cts`,
    });
  }
}

/**
 * Where a family's build of a variant module lies in esm/ and cjs/, without
 * the extension: next to the original, or the original itself.
 *
 * @param {{ module: string }} variant
 * @param {{ name: string, twin: string | null }} family
 */
export function variantPath(variant, family) {
  const file = variant.module.replace(/\.ts$/, "");
  return family.twin === null ? file : `${file}.${family.name}`;
}

/**
 * @param {string} path
 * @param {unknown} value
 */
function writeJson(path, value) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * The folders of the subpath stubs, such as `bridge/`.
 *
 * @param {{ subpath: string }[]} entries
 */
function subpathFolders(entries) {
  return entries.filter((e) => e.subpath !== ".").map((e) => `${e.subpath.slice(2)}/`);
}
