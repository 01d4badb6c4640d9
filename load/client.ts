import WebSocket from 'ws';
import { epochMs, type ClientJob, type ClientReport, type DriverMessage } from './protocol.ts';

/**
 * One load client process: opens its share of authenticated sockets from one source address, a
 * bounded number of handshakes at a time, keeps them alive with the 30 s `ping`, and reports to the
 * driver once a second. Run by the driver with `fork`; never on its own.
 */
const sockets = new Set<WebSocket>();
let pending: Omit<ClientReport, 'type' | 'open' | 'done'> = fresh();
let done = false;
let stopping = false;

function fresh() {
  return { attempted: 0, connectMs: [] as number[], closes: {} as Record<string, number>, failures: {} as Record<string, number>, deliveries: [] as [string, number][], duplicates: 0 };
}
const bump = (counts: Record<string, number>, key: string) => (counts[key] = (counts[key] ?? 0) + 1);

/**
 * Opens one socket and resolves true once the node has said `on_ready` (authenticated and subscribed:
 * from then on every event reaches it). That moment is the connect time; a socket closed before it —
 * refused with 4001 or 4009, say — resolves false.
 */
function connect(job: ClientJob, uid: string, token: string): Promise<boolean> {
  return new Promise((resolve) => {
    const started = performance.now();
    pending.attempted++;
    const seen = new Set<string>();
    let upgraded = false;
    let ready = false;
    const ws = new WebSocket(`${job.wsUrl}?uid=${uid}&token=${token}`, { localAddress: job.localAddress, perMessageDeflate: false, handshakeTimeout: 30_000 });
    ws.on('upgrade', () => {
      upgraded = true;
    });
    ws.on('message', (data: WebSocket.RawData) => {
      const text = data.toString();
      if (!ready && text.startsWith('{"event":"on_ready"')) {
        ready = true;
        sockets.add(ws);
        pending.connectMs.push(performance.now() - started);
        resolve(true);
        return;
      }
      if (!text.startsWith('{"event":"on_message"')) return;
      const cgid = /"client_generated_id":"([^"]+)"/.exec(text)?.[1];
      const sender = /"sender_uid":"([^"]+)"/.exec(text)?.[1];
      if (cgid === undefined || sender === uid) return;
      if (seen.has(cgid)) pending.duplicates++;
      else {
        seen.add(cgid);
        pending.deliveries.push([cgid, epochMs()]);
      }
    });
    ws.on('error', (err: NodeJS.ErrnoException) => {
      if (!upgraded) bump(pending.failures, err.code ?? (/Unexpected server response: (\d+)/.exec(err.message) ? `http-${/(\d+)$/.exec(err.message)?.[1]}` : err.message.slice(0, 60)));
    });
    ws.on('close', (code: number) => {
      sockets.delete(ws);
      // Refusals (4001, 4009) close an upgraded socket before on_ready; they count as closes too.
      if (upgraded && !stopping) bump(pending.closes, String(code));
      resolve(false);
    });
  });
}

async function run(job: ClientJob): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < job.identities.length && !stopping) {
      const id = job.identities[next++];
      // A failed handshake (a timeout on a busy machine) is counted, then tried again twice.
      for (let attempt = 0; id && attempt < 3 && !stopping; attempt++) {
        if (await connect(job, id.uid, id.token)) break;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  };
  await Promise.all(Array.from({ length: job.handshakesInFlight }, lane));
  done = true;
}

const report = setInterval(() => {
  const message: ClientReport = { type: 'report', open: sockets.size, done, ...pending };
  pending = fresh();
  process.send?.(message);
}, 1000);

process.on('message', (message: DriverMessage) => {
  if (message.type === 'start') {
    setInterval(() => {
      for (const ws of sockets) if (ws.readyState === WebSocket.OPEN) ws.send('ping');
    }, message.pingIntervalMs);
    run(message).catch((err: unknown) => {
      console.error(`load client failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    });
  } else if (message.type === 'stop') {
    stopping = true;
    clearInterval(report);
    for (const ws of sockets) ws.terminate();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
