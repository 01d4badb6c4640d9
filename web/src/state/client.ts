import { localStorageOutboxStore, localStorageTokenStore, WettyClient } from '@wetty/client';

/**
 * The app's one SDK client. The api serves this page, so REST is this origin. The WebSocket is
 * this origin's `/ws/chats` unless the page names another address in
 * `<meta name="wetty-ws-url">` (the api sets it when its realtime nodes listen elsewhere).
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
