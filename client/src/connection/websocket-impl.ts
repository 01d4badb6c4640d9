import type { WebSocketConstructor } from '../types.ts';

let loaded: Promise<WebSocketConstructor> | undefined;

/**
 * The platform's WebSocket; on Node without one (Node 20), the optional peer `ws`, loaded only then
 * (its name is computed so bundlers for browsers never try to include it).
 */
export function platformWebSocket(): Promise<WebSocketConstructor> {
  const native = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (native) return Promise.resolve(native);
  const name = ['w', 's'].join('');
  loaded ??= (import(/* @vite-ignore */ name) as Promise<{ WebSocket?: WebSocketConstructor; default?: WebSocketConstructor }>).then((module) => {
    const impl = module.WebSocket ?? module.default;
    if (!impl) throw new Error('@wetty/client: no WebSocket here; install the `ws` package');
    return impl;
  });
  return loaded;
}
