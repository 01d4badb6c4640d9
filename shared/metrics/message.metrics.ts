import { Counter, Histogram, type Registry } from 'prom-client';

const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The send path: gate → persist → publish → push. */
export function messageMetrics(registry: Registry) {
  return {
    gateRefusals: new Counter({
      name: 'wetty_gate_refusals_total',
      help: 'Sends refused by the message gate, by refusal code (not_friends, blocked, muted, not_member, …)',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
    sendToPersistSeconds: new Histogram({
      name: 'wetty_send_to_persist_seconds',
      help: 'Time from the api accepting a send to its message row being committed',
      buckets: latencyBuckets,
      registers: [registry],
    }),
    outboxRelayed: new Counter({
      name: 'wetty_outbox_relayed_total',
      help: 'Committed changes whose effects (pushes, control events, timers) the relay delivered because the process that committed them did not',
      registers: [registry],
    }),
    outboxRelayFailures: new Counter({
      name: 'wetty_outbox_relay_failures_total',
      help: 'Attempts of the relay to deliver a change\'s effects that failed (they are tried again)',
      registers: [registry],
    }),
    persistToPushSeconds: new Histogram({
      name: 'wetty_persist_to_push_seconds',
      help: 'Time from a message being committed to a realtime node writing it to the sockets',
      buckets: latencyBuckets,
      registers: [registry],
    }),
  };
}
