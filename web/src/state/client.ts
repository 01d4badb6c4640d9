import { localStorageOutboxStore, localStorageTokenStore, WettyClient } from '@wetty/client';

/**
 * The app's one SDK client. The api serves this page, so REST is this origin, and so is the
 * WebSocket (`/ws/chats`, which the api forwards to the realtime nodes). A deployment that puts the
 * realtime nodes elsewhere names them in `<meta name="wetty-ws-url">`.
 */
function wsUrl(): string {
  const named = document.querySelector<HTMLMetaElement>('meta[name="wetty-ws-url"]')?.content;
  if (named) return new URL(named, location.href).toString().replace(/^http/, 'ws');
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/chats`;
}

export const client = new WettyClient({
  baseUrl: location.origin,
  wsUrl: wsUrl(),
  clientType: 'web',
  tokenStore: localStorageTokenStore(),
  outboxStore: localStorageOutboxStore(),
});

// A test or a curious developer can reach the client from the console.
(window as unknown as { wetty?: WettyClient }).wetty = client;
