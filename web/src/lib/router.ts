import { useEffect, useState } from 'preact/hooks';

/**
 * The app's routes live under /app/ (the api never uses that prefix, and answers index.html for
 * any path below it, so a reload or a shared link opens the same screen).
 */
export type Route =
  | { name: 'login' }
  | { name: 'register' }
  | { name: 'chats'; chatId?: string; threadRootId?: string }
  | { name: 'friends' }
  | { name: 'groups'; groupId?: string }
  | { name: 'notifications' }
  | { name: 'profile' };

export function parseRoute(pathname: string): Route {
  const parts = pathname.replace(/^\/app\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  switch (parts[0]) {
    case 'login':
      return { name: 'login' };
    case 'register':
      return { name: 'register' };
    case 'friends':
      return { name: 'friends' };
    case 'groups':
      return { name: 'groups', groupId: parts[1] };
    case 'notifications':
      return { name: 'notifications' };
    case 'profile':
      return { name: 'profile' };
    case 'chats':
      return { name: 'chats', chatId: parts[1], threadRootId: parts[2] === 'thread' ? parts[3] : undefined };
    default:
      return { name: 'chats' };
  }
}

export function routePath(route: Route): string {
  const enc = encodeURIComponent;
  switch (route.name) {
    case 'chats':
      if (!route.chatId) return '/app/chats';
      return `/app/chats/${enc(route.chatId)}${route.threadRootId ? `/thread/${enc(route.threadRootId)}` : ''}`;
    case 'groups':
      return route.groupId ? `/app/groups/${enc(route.groupId)}` : '/app/groups';
    default:
      return `/app/${route.name}`;
  }
}

const listeners = new Set<() => void>();
window.addEventListener('popstate', () => listeners.forEach((listener) => listener()));

export function navigate(route: Route | string, options: { replace?: boolean } = {}): void {
  const path = typeof route === 'string' ? route : routePath(route);
  if (path === location.pathname) return;
  if (options.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  listeners.forEach((listener) => listener());
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname));
  useEffect(() => {
    const listener = () => setRoute(parseRoute(location.pathname));
    listeners.add(listener);
    return () => listeners.delete(listener);
  }, []);
  return route;
}

/** An in-app link: a real <a href> (open in new tab works), navigated without a reload. */
export function onLinkClick(event: MouseEvent): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const anchor = event.currentTarget as HTMLAnchorElement;
  event.preventDefault();
  navigate(anchor.pathname);
}
