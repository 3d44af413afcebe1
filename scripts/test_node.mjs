/**
 * `deno task test:node`: runs the test suite (tests/*.test.ts) under Node
 * against the built npm package, with `node --test`.
 *
 * esbuild compiles each test file to one ES module in a folder under the
 * system's temp dir (printed). Test helpers
 * (tests/support/) are bundled in; every import of the library — `../mod.ts`,
 * `../bridge.ts`, `@redwire/redis`, or an internal module such as
 * `../src/protocol/mod.ts` — is pointed at the same module of npm/esm/, which
 * the npm build lays out one module per source file. So the tests exercise
 * the package's JavaScript, with the Node transport that the package uses.
 *
 * `--bun=path/to/bun` runs the compiled files under Bun instead of Node.
 *
 * Usage: node scripts/test_node.mjs [--reporter=spec|dot|tap] [--junit=FILE] [FILTER...]
 * A FILTER keeps the test files whose path contains it. npm/ is (re)built
 * first when it is missing or older than the sources.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join, relative, resolve, sep } from "node:path";
import process from "node:process";
import {
  buildIfStale,
  ensureInstalled,
  fail,
  NPM_DIR,
  readDenoJson,
  ROOT,
  run,
  SCRIPTS,
} from "./_tools.mjs";

/**
 * Test files that cannot run on Node, with the reason. Each is reported as
 * skipped in the summary, never dropped silently. A test that merely has a
 * Deno-only case should guard it (`typeof Deno`) instead of appearing here,
 * as tests/transport.test.ts (openDenoTransport) and tests/bridge.test.ts
 * (serveBridge on Deno.serve) do: no file needs skipping today.
 *
 * @type {Record<string, string>}
 */
const NODE_SKIP = {};

/** Longest a single test may run before Node fails it, so CI never hangs. */
const TEST_TIMEOUT_MS = 120_000;

/** This run's compiled tests: a fresh folder, so runs in one checkout never collide. */
const OUT_DIR = mkdtempSync(join(tmpdir(), "redwire-node-tests-"));

const options = parseArgs(process.argv.slice(2));
ensureInstalled();
buildIfStale();
installPackageDependencies();
const files = selectTestFiles(options.filters);
await compileTests(files.run);
const junit = options.junit ?? join(OUT_DIR, "junit.xml");
const status = runNodeTest(files.run, junit);
const counts = summarize(junit, files.skipped);
rmSync(OUT_DIR, { recursive: true, force: true });
process.exit(status !== 0 || counts.failed > 0 ? 1 : 0);

/** @param {string[]} args */
function parseArgs(args) {
  const parsed = { reporter: "spec", junit: undefined, filters: [], bun: undefined };
  for (const arg of args) {
    const [key, value] = arg.split(/=(.*)/s);
    if (key === "--reporter") parsed.reporter = value;
    else if (key === "--bun") parsed.bun = resolve(value);
    else if (key === "--junit") parsed.junit = resolve(value);
    else if (arg.startsWith("--")) fail(`unknown option ${arg}`);
    else parsed.filters.push(arg);
  }
  return parsed;
}

/**
 * Installs the package's own dependencies (such as `ws`) and its peer
 * dependencies (`@opentelemetry/api`, as an application would) where its
 * modules find them.
 */
function installPackageDependencies() {
  const pkg = JSON.parse(readFileSync(join(NPM_DIR, "package.json"), "utf8"));
  const wanted = { ...pkg.dependencies, ...pkg.peerDependencies };
  const missing = Object.keys(wanted).filter(
    (name) => !existsSync(join(NPM_DIR, "node_modules", name, "package.json")),
  );
  if (missing.length === 0) return;
  console.log(
    `installing the package's dependencies into npm/node_modules: ${missing.join(" ")}`,
  );
  run("npm", [
    "install",
    "--omit=dev",
    "--no-package-lock",
    "--no-save",
    "--no-audit",
    "--no-fund",
    "--loglevel=error",
    // Optional peers are not installed by a bare `npm install`: name them.
    ...Object.keys(pkg.peerDependencies ?? {}).map((name) => `${name}@${wanted[name]}`),
  ], {
    cwd: NPM_DIR,
  });
}

/** @param {string[]} filters */
function selectTestFiles(filters) {
  const all = readdirSync(join(ROOT, "tests"))
    .filter((name) => name.endsWith(".test.ts"))
    .map((name) => `tests/${name}`)
    .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
    .sort();
  for (const file of Object.keys(NODE_SKIP)) {
    if (!existsSync(join(ROOT, file))) {
      console.warn(`warning: NODE_SKIP names ${file}, which does not exist`);
    }
  }
  const skipped = all.filter((file) => file in NODE_SKIP);
  const runnable = all.filter((file) => !(file in NODE_SKIP));
  if (runnable.length === 0) {
    fail(`no test files to run (filters: ${filters.join(" ") || "none"})`);
  }
  return { run: runnable, skipped };
}

/**
 * Maps an import of the library's sources to the built module in npm/esm/.
 *
 * @param {string} absolute The source file the import resolves to.
 * @returns {string | undefined} The built module, or undefined for files outside the library.
 */
function builtModuleFor(absolute) {
  const path = relative(ROOT, absolute).split(sep).join("/");
  const entries = Object.values(readDenoJson().exports).map((e) =>
    relative(ROOT, resolve(ROOT, e))
  );
  if (!path.startsWith("src/") && !entries.includes(path)) return undefined;
  return join(NPM_DIR, "esm", path.replace(/\.ts$/, ".js"));
}

/** @param {string[]} files */
async function compileTests(files) {
  const esbuild = await import("esbuild");
  const imports = readDenoJson().imports ?? {};
  // Tests that load a package with a computed import() (`ws`) find the
  // package's own dependencies, as the package's modules do.
  if (existsSync(join(NPM_DIR, "node_modules"))) {
    symlinkSync(
      join(NPM_DIR, "node_modules"),
      join(OUT_DIR, "node_modules"),
      "dir",
    );
  }
  const notes = new Set();
  /** @type {import("esbuild").Plugin} */
  const toPackage = {
    name: "library-to-npm-build",
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === "entry-point") return undefined;
        let specifier = args.path;
        // Test-only npm packages of deno.json's imports (the OpenTelemetry
        // SDK) are bundled into the test, from scripts/node_modules.
        if (imports[specifier]?.startsWith("npm:")) return undefined;
        if (args.importer.includes(`${sep}node_modules${sep}`)) return undefined;
        if (specifier in imports) specifier = resolve(ROOT, imports[specifier]);
        else if (specifier.startsWith("node:")) {
          return { path: specifier, external: true };
        } else if (specifier.startsWith("npm:")) {
          return {
            path: specifier.replace(
              /^npm:\/?((?:@[^/@]+\/)?[^/@]+)(?:@[^/]+)?/,
              "$1",
            ),
            external: true,
          };
        } else if (!specifier.startsWith(".") && !specifier.startsWith("/")) {
          return { path: specifier, external: true };
        }
        const absolute = resolve(args.resolveDir, specifier);
        const built = builtModuleFor(absolute);
        if (built === undefined) return undefined; // test helpers: bundled
        const importer = relative(ROOT, args.importer);
        const source = relative(ROOT, absolute);
        if (!existsSync(built)) {
          if (args.kind !== "dynamic-import") {
            fail(
              `${importer} imports ${source}, which the npm build leaves out; ` +
                `guard the import or list the file in NODE_SKIP (scripts/test_node.mjs) with a reason`,
            );
          }
          notes.add(
            `${importer}: dynamic import of ${source} (not in the npm build) must stay unreached on Node`,
          );
        }
        return { path: built, external: true };
      });
    },
  };
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: files,
    outbase: "tests",
    outdir: OUT_DIR,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    sourcemap: "inline",
    logLevel: "warning",
    nodePaths: [join(SCRIPTS, "node_modules")],
    // Bundled npm packages: their ES module builds, which need no require().
    mainFields: ["module", "main"],
    plugins: [toPackage],
  }).catch((error) => fail(`esbuild could not compile the tests:\n${error.message}`));
  for (const note of notes) console.log(`note: ${note}`);
}

/**
 * @param {string[]} files
 * @param {string} junit
 */
function runNodeTest(files, junit) {
  const compiled = files.map((file) =>
    join(OUT_DIR, file.replace(/^tests\//, "").replace(/\.ts$/, ".mjs"))
  );
  const args = [
    "--test",
    "--enable-source-maps",
    `--test-concurrency=${availableParallelism()}`,
    `--test-timeout=${TEST_TIMEOUT_MS}`,
    `--test-reporter=${options.reporter}`,
    "--test-reporter-destination=stdout",
    "--test-reporter=junit",
    `--test-reporter-destination=${junit}`,
    ...compiled,
  ];
  console.log(
    `node ${process.version}: ${files.length} test files against npm/ (${
      relative(ROOT, NPM_DIR)
    }/esm)`,
  );
  if (options.bun !== undefined) return runBunTest(compiled, junit);
  const result = spawnSync(process.execPath, args, {
    stdio: "inherit",
    cwd: ROOT,
  });
  return result.status ?? 1;
}

/**
 * Runs the same compiled files under Bun's test runner, which runs
 * node:test suites; the package resolves with Bun's `bun` condition.
 *
 * @param {string[]} compiled
 * @param {string} junit
 */
function runBunTest(compiled, junit) {
  const version = spawnSync(options.bun, ["--version"], { encoding: "utf8" }).stdout?.trim();
  console.log(`bun ${version}: the same files under bun test`);
  const result = spawnSync(options.bun, [
    "test",
    `--timeout=${TEST_TIMEOUT_MS}`,
    "--reporter=junit",
    `--reporter-outfile=${junit}`,
    ...compiled,
  ], { stdio: "inherit", cwd: OUT_DIR });
  return result.status ?? 1;
}

/**
 * Prints the counts from the JUnit report; a test skipped or marked todo
 * counts as neither passed nor failed.
 *
 * @param {string} junit
 * @param {string[]} skippedFiles
 */
function summarize(junit, skippedFiles) {
  const counts = countJunit(junit);
  console.log(
    `\n${
      options.bun === undefined ? "node" : "bun"
    }: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped ` +
      (options.junit === undefined ? "" : `(${junit})`),
  );
  for (const file of skippedFiles) {
    console.log(`skipped on Node: ${file} (${NODE_SKIP[file]})`);
  }
  return counts;
}

/**
 * Counts a node:test JUnit report: test cases, failed ones (an error in a
 * hook or at file level is a failure too) and skipped or todo ones.
 *
 * @param {string} junit
 */
function countJunit(junit) {
  if (!existsSync(junit)) return { passed: 0, failed: 1, skipped: 0 };
  const xml = readFileSync(junit, "utf8");
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (
    const match of xml.matchAll(
      /<testcase\b[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g,
    )
  ) {
    const body = match[2] ?? "";
    if (/<failure\b/.test(body)) failed++;
    else if (/<skipped\b/.test(body)) skipped++;
    else passed++;
  }
  return { passed, failed, skipped };
}
