/**
 * `deno task check:cycles`: fails when a module under `src/` is part of an
 * import cycle, type-only imports and re-exports included (DESIGN.md §1: layers
 * point down). Reads the import specifiers of every `.ts` file, keeps the
 * relative ones, and finds the strongly connected components (Tarjan).
 *
 * Usage: node scripts/check_cycles.mjs [DIR]   (default: src)
 *
 * @module
 */

import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import process from "node:process";

const root = resolve(process.argv[2] ?? "src");
const graph = new Map(listModules(root).map((file) => [file, importsOf(file)]));
const cycles = stronglyConnected(graph).filter((component) => component.length > 1);
for (const cycle of cycles) {
  console.log(`cycle: ${cycle.map((file) => relative(root, file)).sort().join(" <-> ")}`);
}
console.log(`${cycles.length} import cycles among ${graph.size} modules`);
process.exit(cycles.length === 0 ? 0 : 1);

/** @param {string} dir @returns {string[]} every .ts file below dir */
function listModules(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return listModules(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** @param {string} file @returns {string[]} the modules it imports or re-exports */
function importsOf(file) {
  const source = readFileSync(file, "utf8");
  const specifiers = [
    ...source.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']/gms),
    ...source.matchAll(/^\s*import\s*["']([^"']+)["']/gm),
    ...source.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
  ].map((match) => match[1]);
  return specifiers.filter((spec) => spec.startsWith(".")).map((spec) =>
    resolve(dirname(file), spec)
  );
}

/**
 * Tarjan's algorithm, iterative so deep graphs cannot overflow the stack.
 * @param {Map<string, string[]>} graph
 * @returns {string[][]}
 */
function stronglyConnected(graph) {
  const index = new Map();
  const low = new Map();
  const onStack = new Set();
  const stack = [];
  const components = [];
  let counter = 0;
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work = [[start, 0]];
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const [node, next] = frame;
      if (next === 0) {
        index.set(node, counter);
        low.set(node, counter++);
        stack.push(node);
        onStack.add(node);
      }
      const edges = (graph.get(node) ?? []).filter((target) => graph.has(target));
      if (next < edges.length) {
        frame[1]++;
        const target = edges[next];
        if (!index.has(target)) work.push([target, 0]);
        else if (onStack.has(target)) low.set(node, Math.min(low.get(node), index.get(target)));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1][0];
        low.set(parent, Math.min(low.get(parent), low.get(node)));
      }
      if (low.get(node) === index.get(node)) {
        const component = [];
        let member;
        do {
          member = stack.pop();
          onStack.delete(member);
          component.push(member);
        } while (member !== node);
        components.push(component);
      }
    }
  }
  return components;
}
