/**
 * One pool (and one auto-pipelining dispatcher) per cluster node, made on
 * first use and closed when the node leaves the topology.
 *
 * @module
 */
import { Dispatcher, Redis } from "../client/mod.ts";
import { Connection, type ConnectionOptions, type TraceTarget } from "../connection/mod.ts";
import { BlockingConnectionPool, type ConnectionPool, type PoolOptions } from "../pool/mod.ts";
import type { RedisArgument, Reply } from "../protocol/mod.ts";
import type { TlsOptions } from "../transport/mod.ts";
import type { NodeAddress } from "./_slot_map.ts";

/** Node options: every pool and connection option, for each node. */
export interface NodeOptions extends PoolOptions {
  /** Send READONLY on every connection (replica reads). */
  readOnly: boolean;
}

/** Follows a node's pool (the cluster's events); returns a function that stops following it. */
export type PoolWatcher = (pool: ConnectionPool) => () => void;

/** A node's pool: tracing contexts name the node the cluster chose. */
class NodePool extends BlockingConnectionPool {
  #target: [TraceTarget, TraceTarget] | undefined;

  override traceTarget(): TraceTarget {
    const base = super.traceTarget();
    if (this.#target?.[0] === base) return this.#target[1];
    const target = { ...base, node: this.address };
    this.#target = [base, target];
    return target;
  }
}

/** One node: its pool, a dispatcher over it, and a client for `nodes()`. */
export class ClusterNode {
  /** Where the node is. */
  readonly address: NodeAddress;
  /** The node's pool. */
  readonly pool: BlockingConnectionPool;
  /** Auto-pipelines single commands over the pool. */
  readonly dispatcher: Dispatcher;
  #client: Redis | undefined;

  constructor(address: NodeAddress, options: NodeOptions) {
    this.address = address;
    const { readOnly, ...rest } = options;
    const connection: PoolOptions = {
      ...rest,
      host: address.host,
      port: address.port,
      tls: nodeTls(rest.tls, address),
      // A node that refuses is the router's to route around (after a topology
      // read), not something to queue behind: its commands fail at once, unwritten.
      reconnectBackoff: "fail",
    };
    if (readOnly) connection.connectionFactory = () => readOnlyConnection(connection);
    this.pool = new NodePool(connection);
    this.dispatcher = new Dispatcher(this.pool, {
      retryOnTimeout: rest.retryOnTimeout ?? false,
      retryOnError: rest.retryOnError ?? [],
      // Refused connects are retried by the cluster, which re-reads the
      // topology in between: a dead node's address is not worth 3 more tries.
      retry: { attempts: 0, ...rest.retry },
    });
  }

  /** A client over this node's pool (it never closes the pool). */
  get client(): Redis {
    return this.#client ??= new Redis({ pool: this.pool });
  }

  /** One command on a leased connection, no retry (topology reads, ASKING). */
  async direct(commands: RedisArgument[][], timeout?: number | null): Promise<Reply[]> {
    const lease = await this.pool.acquire();
    try {
      return await lease.connection.batch(commands, timeout === undefined ? {} : { timeout });
    } finally {
      lease.release();
    }
  }

  /** Closes the pool and the client's subscriptions. */
  async close(): Promise<void> {
    await this.#client?.close();
    await this.pool.close();
  }
}

/** TLS verified with the hostname the node announces (or the mapped host). */
function nodeTls(
  tls: boolean | TlsOptions | undefined,
  address: NodeAddress,
): boolean | TlsOptions | undefined {
  if (tls === undefined || tls === false) return tls;
  const given = tls === true ? {} : tls;
  if (given.servername !== undefined) return given;
  return { ...given, servername: address.hostname ?? address.host };
}

async function readOnlyConnection(options: ConnectionOptions): Promise<Connection> {
  const connection = new Connection(options);
  await connection.connect();
  try {
    await connection.command(["READONLY"]);
  } catch (error) {
    await connection.close();
    throw error;
  }
  return connection;
}

/** The nodes by `host:port`. */
export class NodeRegistry {
  #nodes = new Map<string, ClusterNode>();
  #unwatch = new Map<ClusterNode, () => void>();
  #options: NodeOptions;
  #watch: PoolWatcher | undefined;

  constructor(options: NodeOptions, watch?: PoolWatcher) {
    this.#options = options;
    this.#watch = watch;
  }

  /** The node at `address`, made on first use. */
  get(address: NodeAddress): ClusterNode {
    let node = this.#nodes.get(address.key);
    if (node === undefined) {
      node = new ClusterNode(address, this.#options);
      this.#nodes.set(address.key, node);
      if (this.#watch !== undefined) this.#unwatch.set(node, this.#watch(node.pool));
    }
    return node;
  }

  /** The node named `key`, if it exists. */
  find(key: string): ClusterNode | undefined {
    return this.#nodes.get(key);
  }

  /** Every node made so far. */
  all(): ClusterNode[] {
    return [...this.#nodes.values()];
  }

  /** Closes (in the background) the nodes not in `keep`: they left the cluster. */
  prune(keep: ReadonlySet<string>): void {
    for (const [key, node] of this.#nodes) {
      if (keep.has(key)) continue;
      this.#nodes.delete(key);
      void this.#close(node).catch(() => {});
    }
  }

  /** Closes every node. */
  async close(): Promise<void> {
    const nodes = this.all();
    this.#nodes.clear();
    await Promise.all(nodes.map((node) => this.#close(node)));
  }

  /** Closes a node; its pool's events stop counting once it is closed. */
  async #close(node: ClusterNode): Promise<void> {
    try {
      await node.close();
    } finally {
      this.#unwatch.get(node)?.();
      this.#unwatch.delete(node);
    }
  }
}
