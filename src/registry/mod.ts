/**
 * Named connections and named pipelines (RedPipe), and the connection
 * context (RQ).
 *
 * @example Usage
 * ```ts
 * import { connections, pipeline, Redis, withConnection } from "@redwire/redis";
 *
 * connections.connect(new Redis({ port: 6379 }), { name: "users" });
 * const p = pipeline();
 * const name = p.on("users").hget("u{1}", "name");
 * await p.exec();
 * await withConnection(connections.get("users"), async () => {});
 * ```
 *
 * @module
 */
export { ConnectionRegistry, connections } from "./connections.ts";
export type { ConnectOptions } from "./connections.ts";
export { NamedPipeline, pipeline } from "./pipeline.ts";
export type { PipelineExecOptions, PipelineOptions } from "./pipeline.ts";
export { PipelineError } from "./pipeline_error.ts";
export type { ServerFailure } from "./pipeline_error.ts";
export {
  currentConnection,
  popConnection,
  pushConnection,
  resolveConnection,
  useConnection,
  withConnection,
} from "./context.ts";
