import { Counter, Gauge, type Registry } from 'prom-client';

/** One realtime node's sockets and what it pushes to them. */
export function realtimeMetrics(registry: Registry) {
  return {
    socketsConnected: new Gauge({
      name: 'wetty_realtime_sockets_connected',
      help: 'Authenticated WebSocket connections open on this node',
      registers: [registry],
    }),
    messagesPushed: new Counter({
      name: 'wetty_realtime_messages_pushed_total',
      help: 'Event frames written to sockets, by event name (on_message, on_recall, on_notify, …)',
      labelNames: ['event'] as const,
      registers: [registry],
    }),
    repeatsDropped: new Counter({
      name: 'wetty_realtime_repeats_dropped_total',
      help: 'Frames not written because this node pushed the same one (same channel, event and id) shortly before, by event name',
      labelNames: ['event'] as const,
      registers: [registry],
    }),
    slowSocketsDropped: new Counter({
      name: 'wetty_realtime_slow_sockets_dropped_total',
      help: 'Sockets closed with 4008 because they fell too far behind',
      registers: [registry],
    }),
    socketsLimited: new Counter({
      name: 'wetty_realtime_sockets_limited_total',
      help: 'Sockets closed for a per-user limit: 4006 (too many sockets for the user) or 4029 (too many frames)',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
    resyncs: new Counter({
      name: 'wetty_realtime_resyncs_total',
      help: 'Resync notices sent to clients, by reason (subscription_lost, slow_socket, …)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
  };
}
