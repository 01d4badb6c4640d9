// Adapter for the floor's driver (drive.cjs) that drives a floor already running — started once by
// `npm run bench:floor`, as Wetty is — instead of starting the floor's two processes for each run as
// the floor's own adapter does. The pairs, the HTTP agent and the requests are the floor adapter's.
// FLOOR_API and FLOOR_WS name the running floor.
const { Agent, request } = require('undici');

const API = process.env.FLOOR_API;
const WS = process.env.FLOOR_WS;

exports.setup = async (n) => {
  if (!API || !WS) throw new Error('FLOOR_API and FLOOR_WS must name the running floor');
  const agent = new Agent({ connections: 64, pipelining: 1 });
  const pairs = Array.from({ length: n }, (_, k) => ({
    wsUrl: `${WS}/?uid=r${k}`,
    send: async (_i, payload) => {
      const r = await request(`${API}/send/${k}/r${k}`, { method: 'POST', body: payload, dispatcher: agent });
      await r.body.dump();
      return r.statusCode;
    },
  }));
  return { pairs, close: async () => { await agent.close(); } };
};
