/** A failure the person running the load test can fix: one sentence saying what to change. */
export class LoadError extends Error {
  override name = 'LoadError';
}

/** Ephemeral ports usable per loopback source address on this machine (32768–60999). */
export const PORTS_PER_ADDRESS = 28_232;
/** Sockets one client process holds at most: 20,000 open files per process, minus a margin. */
export const SOCKETS_PER_CLIENT = 15_000;
/** Sockets a realtime node is configured to accept (WS_MAX_CONNECTIONS default). */
export const SOCKETS_PER_NODE = 19_000;

export interface ClientSlice {
  localAddress: string;
  from: number;
  to: number;
}

/**
 * Splits N sockets over client processes, each bound to one source address, so that no process
 * nears its file limit and no address runs out of ports. `addresses` caps the source addresses used.
 */
export function planClients(sockets: number, options: { addresses: number; perClient?: number }): ClientSlice[] {
  const perClient = options.perClient ?? Math.min(SOCKETS_PER_CLIENT, 10_000);
  const perAddress = PORTS_PER_ADDRESS - 1_000; // a margin for TIME_WAIT and the system's own connections
  const needed = Math.ceil(sockets / perAddress);
  if (needed > options.addresses) {
    throw new LoadError(
      `${sockets} sockets need ${needed} loopback source addresses (${perAddress} ports each) but --source-addresses is ${options.addresses}: raise --source-addresses to ${needed} or lower --sockets.`,
    );
  }
  const slices: ClientSlice[] = [];
  // A multiple of `needed`, so every address carries the same share.
  const clients = Math.ceil(Math.max(1, Math.ceil(sockets / perClient), needed) / needed) * needed;
  const size = Math.ceil(sockets / clients);
  for (let i = 0; i < clients; i++) {
    const from = i * size;
    const to = Math.min(sockets, from + size);
    if (from >= to) break;
    // Spread clients round-robin over as many addresses as the ports require.
    slices.push({ localAddress: `127.0.0.${(i % needed) + 1}`, from, to });
  }
  return slices;
}

/** Realtime nodes a local system needs for N sockets, with a wide margin under each node's cap (a node near its cap spends its CPU on the file table). */
export const nodesFor = (sockets: number) => Math.max(1, Math.ceil(sockets / (SOCKETS_PER_NODE * 0.6)));

/** Turns a socket failure seen by a client into the limit it means, or null for an ordinary failure. */
export function limitOf(failureOrClose: string): string | null {
  if (failureOrClose === '4009') return 'node full (close 4009): start more realtime nodes (SUPERVISOR_REALTIME_NODES) or raise WS_MAX_CONNECTIONS';
  if (failureOrClose === 'EMFILE' || failureOrClose === 'ENFILE') return 'client file limit (EMFILE): use more client processes (--per-client lower)';
  if (failureOrClose === 'EADDRNOTAVAIL' || failureOrClose === 'EADDRINUSE') {
    return 'ephemeral ports exhausted (EADDRNOTAVAIL): raise --source-addresses or wait 60 s for TIME_WAIT sockets to clear';
  }
  return null;
}
