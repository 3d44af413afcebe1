/**
 * The compact layout of the generated table (src/commands/_table.ts).
 * Rows are decoded into {@linkcode CommandSpec}s once, on first lookup.
 *
 * @module
 */

/**
 * One key spec: `[flags]` when the server calls it unknown, else
 * `[flags, begin, startFrom, find, a, b, c]` where
 * - `begin` is an argument index (startFrom unused, 0) or a keyword
 *   searched for from `startFrom`;
 * - `find` is `"r"` (range: a = lastKey, b = keyStep, c = limit) or
 *   `"n"` (keynum: a = keyNumIndex, b = firstKey, c = keyStep).
 */
export type KeySpecRow =
  | readonly [flags: number]
  | readonly [
    flags: number,
    begin: number | string,
    startFrom: number,
    find: "r" | "n",
    a: number,
    b: number,
    c: number,
  ];

/**
 * One command: `[NAME, arity, flags, since, keySpecs, policies, subcommands]`,
 * trailing empty cells left out; `0` stands for an empty cell in the middle.
 * `policies` is `"request/response"` from the command's tips (either side
 * may be empty); a subcommand's NAME is its own, without the container.
 */
export type CommandRow = readonly [
  name: string,
  arity: number,
  flags: number,
  since: string,
  keySpecs?: readonly KeySpecRow[] | 0,
  policies?: string | 0,
  subcommands?: readonly CommandRow[],
];
