/**
 * `deno task build:npm`: builds the npm package `redwire` into npm/ from the
 * same sources JSR publishes.
 *
 * - JavaScript: esbuild, one output module per source module (nothing is
 *   bundled, so the ESM and CommonJS builds each hold one copy of every
 *   class), twice: npm/esm/*.js and npm/cjs/*.cjs, with source maps. The
 *   `.ts` import specifiers become `.js` / `.cjs`; syntax Node 20 lacks
 *   (`using`, `await using`) is lowered.
 * - Declarations: the TypeScript compiler (type-checks too), npm/esm/*.d.ts,
 *   copied as npm/cjs/*.d.cts for `require`.
 * - The runtime selectors src/transport/select.ts and src/bridge/select.ts
 *   are swapped for Node-only twins in scripts/twins/ (see TWINS), so the Deno
 *   adapters are never part of the package, and `globalThis.Deno` is defined
 *   as `undefined` (runtime checks fold away). The build fails if any output
 *   still names `Deno` in code.
 * - package.json (version from deno.json, `exports` for every entry of
 *   deno.json), README.md and LICENSE.
 *
 * Usage: node scripts/build_npm.mjs
 *
 * @module
 */

import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
} from "node:fs";
import { writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import {
  ensureInstalled,
  fail,
  NPM_DIR,
  readDenoJson,
  ROOT,
  SCRIPTS,
} from "./_tools.mjs";

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
const KNOWN_DEPENDENCIES = {
  ws: "^8.18.0",
};

/**
 * Dependencies loaded through a computed `import(name)`, which no import
 * graph can see: each is added when the package contains the module that
 * loads it, and that module must still name the package.
 */
const COMPUTED_IMPORTS = [
  {
    name: "ws",
    module: "src/bridge/node.ts",
    why: "the bridge's Node adapter imports it",
  },
];

ensureInstalled();
const esbuild = await import("esbuild");
const { default: ts } = await import("typescript");

/**
 * The package runs on Node, so runtime checks such as
 * `typeof globalThis.Deno === "object"` fold to `false` and their Deno
 * branches drop out of the JavaScript.
 */
const DEFINE = { "globalThis.Deno": "undefined" };

const DESCRIPTION =
  "A Redis client for Deno and Node whose connections never leak, " +
  "never hang and fail over by themselves: auto-pipelining over real connection pools.";

async function main() {
  const started = performance.now();
  const deno = readDenoJson();
  const entries = findEntries(deno.exports);
  rmSync(NPM_DIR, { recursive: true, force: true });
  mkdirSync(NPM_DIR, { recursive: true });

  const graph = await moduleGraph(entries.map((e) => e.file));
  await emitJavaScript(graph.modules, "esm");
  await emitJavaScript(graph.modules, "cjs");
  emitDeclarations(entries.map((e) => e.file));
  writePackageJson(deno, entries, graph.dependencies);
  copyDocs();
  verifyNoDeno();

  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `npm/ built in ${seconds}s: redwire@${deno.version}, ${graph.modules.length} modules, ` +
      `entries ${entries.map((e) => e.subpath).join(" ")}, ` +
      `dependencies ${JSON.stringify(graph.dependencies)}`,
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
    if (!existsSync(join(ROOT, file))) {
      console.warn(
        `warning: deno.json exports ${subpath} -> ${target}, which does not exist yet;` +
          ` the npm package leaves it out`,
      );
      continue;
    }
    const name = file.replace(/\.ts$/, "");
    found.push({ subpath, file, name });
  }
  if (!found.some((e) => e.subpath === ".")) {
    fail('deno.json has no "." export');
  }
  return found;
}

/** An esbuild plugin that serves each twin's source in place of its original. */
const twinPlugin = {
  name: "node-twins",
  setup(build) {
    for (const [original, twin] of Object.entries(TWINS)) {
      const path = join(ROOT, original);
      const filter = new RegExp(`^${escapeRegExp(path)}$`);
      build.onLoad({ filter }, () => ({
        contents: readFileSync(join(ROOT, twin), "utf8"),
        loader: "ts",
        resolveDir: dirname(path),
      }));
    }
  },
};

/**
 * Classifies an import specifier of a source module.
 *
 * @param {string} specifier
 * @returns {{ kind: "relative" } | { kind: "builtin" } | { kind: "package", name: string, path: string, range?: string }}
 */
function classify(specifier) {
  if (specifier.startsWith(".") || specifier.startsWith("/")) {
    return { kind: "relative" };
  }
  if (specifier.startsWith("node:")) return { kind: "builtin" };
  const bare = specifier.replace(/^npm:\/?/, "");
  const match = /^((?:@[^/@]+\/)?[^/@]+)(?:@([^/]+))?(\/.*)?$/.exec(bare);
  if (
    match === null || specifier.startsWith("jsr:") || specifier.includes("://")
  ) {
    fail(
      `cannot map import "${specifier}" to npm (src/ must import relative paths, node:*` +
        ` or npm packages)`,
    );
  }
  const [, name, range, path = ""] = match;
  if (!(name in KNOWN_DEPENDENCIES)) {
    fail(
      `src imports the npm package "${name}"; add it to KNOWN_DEPENDENCIES in ` +
        `scripts/build_npm.mjs with its version range`,
    );
  }
  return { kind: "package", name, path, range };
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
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: entryFiles,
    bundle: true,
    write: false,
    metafile: true,
    format: "esm",
    platform: "node",
    target: "node20",
    outdir: "graph",
    define: DEFINE,
    logLevel: "silent",
    plugins: [twinPlugin, {
      name: "externals",
      setup(build) {
        build.onResolve({ filter: /.*/ }, (args) => {
          const found = classify(args.path);
          if (found.kind === "relative") return undefined;
          if (found.kind === "package") {
            dependencies[found.name] = KNOWN_DEPENDENCIES[found.name];
          }
          return { path: args.path, external: true };
        });
      },
    }],
  }).catch((error) =>
    fail(`esbuild could not read the sources:\n${error.message}`)
  );
  const modules = Object.keys(result.metafile.inputs).map((p) =>
    p.split(sep).join("/")
  );
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
        `the npm entries reach ${path}, a Deno-only module; route it through a Node twin ` +
          `(TWINS in scripts/build_npm.mjs)`,
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
  return { modules: modules.sort(), dependencies };
}

/**
 * Writes one JavaScript module (and its source map) per source module.
 *
 * @param {string[]} modules Repository-relative paths of the sources.
 * @param {"esm" | "cjs"} format
 */
async function emitJavaScript(modules, format) {
  const extension = format === "esm" ? ".js" : ".cjs";
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: modules,
    outbase: ".",
    outdir: join(NPM_DIR, format),
    outExtension: { ".js": extension },
    bundle: true, // each module alone: the plugin makes every import external
    format,
    platform: "node",
    target: "node20",
    sourcemap: true,
    charset: "utf8",
    legalComments: "none",
    define: DEFINE,
    logLevel: "warning",
    plugins: [twinPlugin, {
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
          let specifier = relative(args.resolveDir, target).split(sep).join(
            "/",
          );
          if (!specifier.startsWith(".")) specifier = `./${specifier}`;
          return {
            path: specifier.replace(/\.ts$/, extension),
            external: true,
          };
        });
      },
    }],
  }).catch((error) => fail(`esbuild (${format}) failed:\n${error.message}`));
}

/**
 * Type-checks the sources as the package's consumers will see them and
 * writes their declarations: .d.ts for ESM, .d.cts for CommonJS.
 *
 * @param {string[]} entryFiles
 */
function emitDeclarations(entryFiles) {
  const options = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    // Deno type-checks the sources with web types (EventTarget options and
    // listeners); Node projects get them from TypeScript's default lib.
    lib: ["lib.es2023.d.ts", "lib.esnext.disposable.d.ts", "lib.dom.d.ts"],
    types: ["node"],
    typeRoots: [join(SCRIPTS, "node_modules", "@types")],
    strict: true,
    noImplicitOverride: true,
    skipLibCheck: true,
    declaration: true,
    emitDeclarationOnly: true,
    allowImportingTsExtensions: true,
    rewriteRelativeImportExtensions: true,
    rootDir: ROOT,
    outDir: join(NPM_DIR, "esm"),
  };
  const host = ts.createCompilerHost(options);
  const twins = new Map(
    Object.entries(TWINS).map((
      [original, twin],
    ) => [join(ROOT, original), join(ROOT, twin)]),
  );
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const twin = twins.get(resolve(fileName));
    if (twin === undefined) {
      return getSourceFile(fileName, languageVersion, onError, shouldCreate);
    }
    return ts.createSourceFile(
      fileName,
      readFileSync(twin, "utf8"),
      languageVersion,
      true,
    );
  };
  /** @type {Map<string, string>} */
  const written = new Map();
  host.writeFile = (fileName, text) => written.set(fileName, text);
  const program = ts.createProgram(
    entryFiles.map((f) => join(ROOT, f)),
    options,
    host,
  );
  const emitted = program.emit();
  const diagnostics = [
    ...ts.getPreEmitDiagnostics(program),
    ...emitted.diagnostics,
  ];
  if (diagnostics.length > 0) {
    const text = ts.formatDiagnosticsWithColorAndContext(diagnostics, {
      getCanonicalFileName: (f) => f,
      getCurrentDirectory: () => ROOT,
      getNewLine: () => "\n",
    });
    fail(`the TypeScript compiler rejects the npm build's sources:\n${text}`);
  }
  for (const [fileName, text] of written) {
    const esm = rewriteSpecifiers(text, ".js");
    mkdirSync(dirname(fileName), { recursive: true });
    writeFileSync(fileName, esm);
    const cjsName = join(
      NPM_DIR,
      "cjs",
      relative(join(NPM_DIR, "esm"), fileName),
    )
      .replace(/\.d\.ts$/, ".d.cts");
    mkdirSync(dirname(cjsName), { recursive: true });
    writeFileSync(cjsName, rewriteSpecifiers(text, ".cjs"));
  }
}

/**
 * Points the relative module specifiers of a declaration file at `extension`.
 *
 * @param {string} text
 * @param {string} extension
 */
function rewriteSpecifiers(text, extension) {
  return text.replace(
    /((?:from|import)\s*\(?\s*)(["'])(\.{1,2}\/[^"']*?)\.(?:ts|js)\2/g,
    (_, lead, quote, path) => `${lead}${quote}${path}${extension}${quote}`,
  );
}

/**
 * @param {{ version: string }} deno
 * @param {{ subpath: string, name: string }[]} entries
 * @param {Record<string, string>} dependencies
 */
function writePackageJson(deno, entries, dependencies) {
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
    files: ["esm/", "cjs/", "README.md", "LICENSE"],
    engines: { node: ">=20" },
    sideEffects: false,
    ...(Object.keys(dependencies).length > 0
      ? { dependencies: sortKeys(dependencies) }
      : {}),
  };
  writeFileSync(
    join(NPM_DIR, "package.json"),
    `${JSON.stringify(pkg, null, 2)}\n`,
  );
}

function copyDocs() {
  for (const file of ["README.md", "LICENSE"]) {
    if (existsSync(join(ROOT, file))) {
      copyFileSync(join(ROOT, file), join(NPM_DIR, file));
    } else {console.warn(
        `warning: ${file} does not exist yet; the npm package has none`,
      );}
  }
}

/**
 * Fails the build if any JavaScript or declaration file in npm/ names the
 * `Deno` global (in code: comments and strings do not count, so a doc line
 * such as "Deno runs it too" passes), or still imports a `.ts` path.
 */
function verifyNoDeno() {
  const problems = [];
  for (const file of walk(NPM_DIR)) {
    if (!/\.(c?js|d\.c?ts)$/.test(file)) continue;
    const text = readFileSync(file, "utf8");
    const where = relative(ROOT, file);
    const scanner = ts.createScanner(
      ts.ScriptTarget.Latest,
      true,
      ts.LanguageVariant.Standard,
      text,
    );
    for (
      let token = scanner.scan();
      token !== ts.SyntaxKind.EndOfFileToken;
      token = scanner.scan()
    ) {
      if (
        token === ts.SyntaxKind.Identifier && scanner.getTokenValue() === "Deno"
      ) {
        const line = text.slice(0, scanner.getTokenStart()).split("\n").length;
        problems.push(`${where}:${line}: reads the Deno global`);
      }
    }
    if (/(?:from|import)\s*\(?\s*["']\.{1,2}\/[^"']*\.ts["']/.test(text)) {
      problems.push(`${where}: still imports a .ts path`);
    }
  }
  if (problems.length > 0) {
    fail(`the npm build is not Deno-free:\n  ${problems.join("\n  ")}`);
  }
}

/**
 * @param {string} dir
 * @returns {Generator<string>}
 */
function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}

/** @param {Record<string, string>} record */
function sortKeys(record) {
  return Object.fromEntries(
    Object.entries(record).sort(([a], [b]) => a.localeCompare(b)),
  );
}

/** @param {string} text */
function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

await main();
