/**
 * The TypeScript half of the npm build: type-checks the sources as the
 * package will ship them and writes their declarations, and proves that
 * nothing in npm/ names the `Deno` global.
 *
 * @module
 */

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fail, NPM_DIR, ROOT, SCRIPTS, walk } from "./_tools.mjs";

/**
 * Type-checks the package's sources (twins in place of their originals) and
 * writes npm/esm/**.d.ts, and the same as npm/cjs/**.d.cts for `require`.
 *
 * @param {typeof import("typescript")} ts
 * @param {string[]} entryFiles Repository-relative entry modules.
 * @param {Record<string, string>} twins Original source -> its Node-only twin.
 */
export function emitDeclarations(ts, entryFiles, twins) {
  const options = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    // Deno type-checks the sources with web types (EventTarget options and
    // listeners); Node projects get them from TypeScript's default lib.
    lib: ["lib.es2023.d.ts", "lib.esnext.disposable.d.ts", "lib.dom.d.ts"],
    types: ["node"],
    typeRoots: [join(SCRIPTS, "node_modules", "@types")],
    // Peer dependencies (the otel entry's @opentelemetry/api) resolve to the
    // dev copies scripts/package.json pins.
    paths: { "*": [join(SCRIPTS, "node_modules", "*")] },
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
  const swaps = new Map(
    Object.entries(twins).map((
      [from, to],
    ) => [join(ROOT, from), join(ROOT, to)]),
  );
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const twin = swaps.get(resolve(fileName));
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
    const cjsName = join(
      NPM_DIR,
      "cjs",
      relative(join(NPM_DIR, "esm"), fileName),
    )
      .replace(/\.d\.ts$/, ".d.cts");
    for (const [name, extension] of [[fileName, ".js"], [cjsName, ".cjs"]]) {
      mkdirSync(dirname(name), { recursive: true });
      writeFileSync(name, rewriteSpecifiers(text, extension));
    }
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
 * Fails the build if any JavaScript or declaration file in npm/ names the
 * `Deno` global, or imports a `.ts` path. Each file is parsed, so comments
 * and strings do not count: a doc line such as "Deno runs it too" passes;
 * `Deno.x`, `globalThis.Deno` and `typeof Deno` do not.
 *
 * @param {typeof import("typescript")} ts
 */
export function verifyNoDeno(ts) {
  const problems = [];
  for (const file of walk(NPM_DIR)) {
    if (!/\.(c?js|d\.c?ts)$/.test(file) || file.includes("node_modules")) {
      continue;
    }
    const text = readFileSync(file, "utf8");
    const where = relative(ROOT, file);
    const source = ts.createSourceFile(
      file,
      text,
      ts.ScriptTarget.Latest,
      true,
    );
    const visit = (node) => {
      const line = () => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      // `g.Deno` (a property of some object, as in runtime detection) and
      // `{ Deno?: ... }` (a property name) are not the global.
      const parent = node.parent;
      const isPropertyName = parent !== undefined &&
        ((ts.isPropertyAccessExpression(parent) && parent.name === node) ||
          (ts.isPropertySignature(parent) && parent.name === node));
      if (ts.isIdentifier(node) && node.text === "Deno" && !isPropertyName) {
        problems.push(`${where}:${line()}: names the Deno global`);
      }
      const specifier = moduleSpecifier(ts, node);
      if (specifier !== undefined && /^\.{1,2}\/.*\.ts$/.test(specifier)) {
        problems.push(`${where}:${line()}: imports ${specifier}`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  if (problems.length > 0) {
    fail(`the npm build is not Deno-free:\n  ${problems.join("\n  ")}`);
  }
}

/**
 * The module a node imports, if it is an import, export-from, `import()`,
 * `require()` or `import("...")` type.
 *
 * @param {typeof import("typescript")} ts
 * @param {import("typescript").Node} node
 * @returns {string | undefined}
 */
function moduleSpecifier(ts, node) {
  let literal;
  if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) {
    literal = node.moduleSpecifier;
  } else if (ts.isImportTypeNode(node)) literal = node.argument.literal;
  else if (ts.isCallExpression(node)) {
    const callee = node.expression;
    const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
    if (isImport || (ts.isIdentifier(callee) && callee.text === "require")) {
      literal = node.arguments[0];
    }
  }
  return literal !== undefined && ts.isStringLiteral(literal) ? literal.text : undefined;
}
