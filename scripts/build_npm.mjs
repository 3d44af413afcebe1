/**
 * `deno task build:npm`: builds the npm package `redwire` into npm/ from the
 * same sources JSR publishes.
 *
 * - JavaScript: esbuild, one output module per source module (nothing is
 *   bundled, so the ESM and CommonJS builds each hold one copy of every
 *   class), twice: npm/esm/**.js and npm/cjs/**.cjs, with source maps. The
 *   `.ts` import specifiers become `.js` / `.cjs`; syntax Node 20 lacks
 *   (`using`, `await using`) is lowered.
 * - Declarations: the TypeScript compiler, which type-checks the sources
 *   first (see _declarations.mjs): npm/esm/**.d.ts and npm/cjs/**.d.cts.
 * - The runtime selectors src/transport/select.ts and src/bridge/select.ts
 *   are swapped for Node-only twins in scripts/twins/ (see TWINS), so the
 *   Deno adapters are never part of the package; `globalThis.Deno` is
 *   defined as `undefined`, so other runtime checks fold away. The build
 *   fails if any output still names `Deno` in code.
 * - package.json (version from deno.json, `exports` for every entry of
 *   deno.json), README.md and LICENSE.
 *
 * Usage: node scripts/build_npm.mjs
 *
 * @module
 */

import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { emitDeclarations, verifyNoDeno } from "./_declarations.mjs";
import { ensureInstalled, fail, NPM_DIR, readDenoJson, ROOT } from "./_tools.mjs";

/**
 * Sources that the npm build replaces with a Node-only twin, which keeps the
 * same exports and is written as if it sat where the original does.
 */
const TWINS = {
  "src/transport/select.ts": "scripts/twins/transport_select.ts",
  "src/bridge/select.ts": "scripts/twins/bridge_select.ts",
};

/** Sources that must never reach the package (they call `Deno.*`). */
const DENO_ONLY = ["src/transport/deno.ts", "src/bridge/deno.ts"];

/**
 * npm packages the sources may import (as `npm:name@range` or a bare name);
 * each one imported becomes a dependency of the package at this range.
 */
const KNOWN_DEPENDENCIES = { ws: "^8.18.0" };

/**
 * npm packages an entry point imports that the user installs: each one
 * imported becomes a peer dependency at this range (the OpenTelemetry API
 * must be the application's own copy, or its global registry is not shared).
 */
const KNOWN_PEER_DEPENDENCIES = { "@opentelemetry/api": "^1.4.0" };

/**
 * Dependencies loaded through a computed `import(name)`, which no import
 * graph can see: each is added when the package contains the module that
 * loads it, and that module must still name the package.
 */
const COMPUTED_IMPORTS = [
  { name: "ws", module: "src/bridge/node.ts" }, // the bridge's Node adapter
];

/**
 * The package runs on Node, so runtime checks such as
 * `typeof globalThis.Deno === "object"` fold to `false` and their Deno
 * branches drop out of the JavaScript.
 */
const DEFINE = { "globalThis.Deno": "undefined" };

const DESCRIPTION = "A Redis client for Deno and Node whose connections never leak, never hang " +
  "and fail over by themselves: auto-pipelining over real connection pools.";

ensureInstalled();
const esbuild = await import("esbuild");
const { default: ts } = await import("typescript");

/** An esbuild plugin that serves each twin's source in place of its original. */
const twinPlugin = {
  name: "node-twins",
  setup(build) {
    for (const [original, twin] of Object.entries(TWINS)) {
      const path = join(ROOT, original);
      build.onLoad({ filter: new RegExp(`^${escapeRegExp(path)}$`) }, () => ({
        contents: readFileSync(join(ROOT, twin), "utf8"),
        loader: "ts",
        resolveDir: dirname(path),
      }));
    }
  },
};

async function main() {
  const started = performance.now();
  const deno = readDenoJson();
  const entries = findEntries(deno.exports);
  rmSync(NPM_DIR, { recursive: true, force: true });
  mkdirSync(NPM_DIR, { recursive: true });

  const graph = await moduleGraph(entries.map((e) => e.file));
  await emitJavaScript(graph.modules, "esm");
  await emitJavaScript(graph.modules, "cjs");
  emitDeclarations(ts, entries.map((e) => e.file), TWINS);
  writePackageJson(deno, entries, graph.dependencies, graph.peerDependencies);
  for (const file of ["README.md", "LICENSE"]) {
    if (existsSync(join(ROOT, file))) {
      copyFileSync(join(ROOT, file), join(NPM_DIR, file));
    } else {console.warn(
        `warning: ${file} does not exist yet; the npm package has none`,
      );}
  }
  verifyNoDeno(ts);

  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `npm/ built in ${seconds}s: redwire@${deno.version}, ${graph.modules.length} modules, ` +
      `entries ${entries.map((e) => e.subpath).join(" ")}, ` +
      `dependencies ${JSON.stringify(graph.dependencies)}, ` +
      `peer dependencies ${JSON.stringify(graph.peerDependencies)}`,
  );
}

/**
 * The package entry points: every export of deno.json whose file exists.
 *
 * @param {Record<string, string>} exports
 */
function findEntries(exports) {
  const found = [];
  for (const [subpath, target] of Object.entries(exports)) {
    const file = relative(ROOT, resolve(ROOT, target)).split(sep).join("/");
    if (existsSync(join(ROOT, file))) {
      found.push({ subpath, file, name: file.replace(/\.ts$/, "") });
    } else {
      console.warn(
        `warning: deno.json exports ${subpath} -> ${target}, which does not exist;` +
          " the npm package leaves it out",
      );
    }
  }
  if (!found.some((e) => e.subpath === ".")) {
    fail('deno.json has no "." export');
  }
  return found;
}

/**
 * Classifies an import specifier of a source module.
 *
 * @param {string} specifier
 * @returns {{ kind: "relative" | "builtin" } | { kind: "package", name: string, path: string }}
 */
function classify(specifier) {
  if (specifier.startsWith(".") || specifier.startsWith("/")) {
    return { kind: "relative" };
  }
  if (specifier.startsWith("node:")) return { kind: "builtin" };
  const match = /^(?:npm:\/?)?((?:@[^/@]+\/)?[^/@:]+)(?:@[^/]+)?(\/.*)?$/.exec(
    specifier,
  );
  if (match === null) {
    fail(
      `src imports "${specifier}", which npm cannot resolve (use relative paths, node:*` +
        " or npm packages)",
    );
  }
  const [, name, path = ""] = match;
  if (!(name in KNOWN_DEPENDENCIES) && !(name in KNOWN_PEER_DEPENDENCIES)) {
    fail(
      `src imports the npm package "${name}"; add it with its version range to ` +
        "KNOWN_DEPENDENCIES (or KNOWN_PEER_DEPENDENCIES) in scripts/build_npm.mjs",
    );
  }
  return { kind: "package", name, path };
}

/**
 * Every source module the entries reach, static or dynamic imports alike,
 * and the npm packages they import.
 *
 * @param {string[]} entryFiles
 */
async function moduleGraph(entryFiles) {
  /** @type {Record<string, string>} */
  const dependencies = {};
  /** @type {Record<string, string>} */
  const peerDependencies = {};
  const externals = {
    name: "externals",
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        const found = classify(args.path);
        if (found.kind === "relative") return undefined;
        if (found.kind === "package" && found.name in KNOWN_DEPENDENCIES) {
          dependencies[found.name] = KNOWN_DEPENDENCIES[found.name];
        }
        if (found.kind === "package" && found.name in KNOWN_PEER_DEPENDENCIES) {
          peerDependencies[found.name] = KNOWN_PEER_DEPENDENCIES[found.name];
        }
        return { path: args.path, external: true };
      });
    },
  };
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: entryFiles,
    bundle: true,
    write: false,
    metafile: true,
    format: "esm",
    platform: "node",
    outdir: "graph",
    define: DEFINE,
    logLevel: "silent",
    plugins: [twinPlugin, externals],
  }).catch((error) => fail(`esbuild could not read the sources:\n${error.message}`));
  const modules = Object.keys(result.metafile.inputs).map((p) => p.split(sep).join("/")).sort();
  for (const path of modules) {
    if (
      !path.endsWith(".ts") || path.startsWith("..") ||
      path.includes("node_modules")
    ) {
      fail(
        `the npm entries reach ${path}, which is not a source module of this repository`,
      );
    }
    if (DENO_ONLY.includes(path)) {
      fail(
        `the npm entries reach ${path}, a Deno-only module; route it through a Node twin` +
          " (TWINS in scripts/build_npm.mjs)",
      );
    }
  }
  for (const { name, module } of COMPUTED_IMPORTS) {
    if (!modules.includes(module)) continue;
    if (!readFileSync(join(ROOT, module), "utf8").includes(`"${name}"`)) {
      fail(
        `${module} no longer names "${name}"; update COMPUTED_IMPORTS in scripts/build_npm.mjs`,
      );
    }
    dependencies[name] = KNOWN_DEPENDENCIES[name];
  }
  return { modules, dependencies, peerDependencies };
}

/**
 * Writes one JavaScript module (and its source map) per source module.
 *
 * @param {string[]} modules Repository-relative paths of the sources.
 * @param {"esm" | "cjs"} format
 */
async function emitJavaScript(modules, format) {
  const extension = format === "esm" ? ".js" : ".cjs";
  const onePerFile = {
    name: "one-module-per-file",
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === "entry-point") return undefined;
        const found = classify(args.path);
        if (found.kind === "builtin") {
          return { path: args.path, external: true };
        }
        if (found.kind === "package") {
          return { path: found.name + found.path, external: true };
        }
        const target = resolve(args.resolveDir, args.path);
        if (!existsSync(target)) {
          fail(`${args.importer} imports ${args.path}, which is missing`);
        }
        const path = relative(args.resolveDir, target).split(sep).join("/");
        const specifier = path.startsWith(".") ? path : `./${path}`;
        return { path: specifier.replace(/\.ts$/, extension), external: true };
      });
    },
  };
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: modules,
    outbase: ".",
    outdir: join(NPM_DIR, format),
    outExtension: { ".js": extension },
    bundle: true, // of one module each: the plugin makes every import external
    format,
    platform: "node",
    target: "node20",
    sourcemap: true,
    keepNames: true, // classes keep their names (esbuild renames some, e.g. `_Sentinel`)
    charset: "utf8",
    legalComments: "none",
    define: DEFINE,
    logLevel: "warning",
    plugins: [twinPlugin, onePerFile],
  }).catch((error) => fail(`esbuild (${format}) failed:\n${error.message}`));
}

/**
 * @param {{ version: string, license?: string }} deno
 * @param {{ subpath: string, name: string }[]} entries
 * @param {Record<string, string>} dependencies
 * @param {Record<string, string>} peerDependencies
 */
function writePackageJson(deno, entries, dependencies, peerDependencies) {
  /** @type {Record<string, unknown>} */
  const exports = {};
  for (const { subpath, name } of entries) {
    exports[subpath] = {
      import: { types: `./esm/${name}.d.ts`, default: `./esm/${name}.js` },
      require: { types: `./cjs/${name}.d.cts`, default: `./cjs/${name}.cjs` },
    };
  }
  exports["./package.json"] = "./package.json";
  const main = entries.find((e) => e.subpath === ".").name;
  const names = Object.keys(dependencies).sort();
  const peers = Object.keys(peerDependencies).sort();
  const pkg = {
    name: "redwire",
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
    ],
    type: "module",
    main: `./cjs/${main}.cjs`,
    module: `./esm/${main}.js`,
    types: `./cjs/${main}.d.cts`,
    exports,
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
  // folder per subpath (`redwire/bridge`) shows it the CommonJS build.
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

/** @param {string} text */
function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

await main();
