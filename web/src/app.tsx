import { useEffect, useState } from 'preact/hooks';
import { ConnectionBanner } from './components/connection-banner.tsx';
import { navigate, onLinkClick, routePath, useRoute, type Route } from './lib/router.ts';
import { useStore } from './lib/store.ts';
import { ChatsScreen } from './screens/chats.screen.tsx';
import { FriendsScreen } from './screens/friends.screen.tsx';
import { GroupScreen } from './screens/group.screen.tsx';
import { GroupsScreen } from './screens/groups.screen.tsx';
import { LoginScreen } from './screens/login.screen.tsx';
import { NotificationsScreen } from './screens/notifications.screen.tsx';
import { ProfileScreen } from './screens/profile.screen.tsx';
import { chats } from './state/chats.state.ts';
import { describeError } from './state/errors.ts';
import { notifications, seenNotificationId, unseenCount } from './state/notifications.state.ts';
import { isSignedIn, me, startSession } from './state/session.state.ts';

const TITLES: Record<Route['name'], string> = {
  login: 'Log in',
  register: 'Create account',
  chats: 'Chats',
  friends: 'Friends',
  groups: 'Groups',
  notifications: 'Notifications',
  profile: 'Profile',
};

export function App() {
  const route = useRoute();
  const profile = useStore(me);
  const [bootError, setBootError] = useState<string | null>(null);
  const signedIn = isSignedIn();
  const publicRoute = route.name === 'login' || route.name === 'register';

  useEffect(() => {
    document.title = `${TITLES[route.name]} · Wetty`;
  }, [route.name]);

  useEffect(() => {
    if (!signedIn && !publicRoute) navigate({ name: 'login' }, { replace: true });
    if (signedIn && publicRoute) navigate({ name: 'chats' }, { replace: true });
    if (location.pathname === '/' || location.pathname === '/app' || location.pathname === '/app/') navigate(routePath(signedIn ? { name: 'chats' } : { name: 'login' }), { replace: true });
  }, [signedIn, publicRoute]);

  useEffect(() => {
    // A page loaded with a saved session: show the app and connect.
    if (signedIn && !profile) startSession().catch((error: unknown) => setBootError(describeError(error)));
  }, []);

  if (publicRoute || !signedIn) return <LoginScreen mode={route.name === 'register' ? 'register' : 'login'} />;
  if (!profile) {
    return (
      <main id="main" class="page">
        <p role="status">{bootError ?? 'Loading…'}</p>
      </main>
    );
  }

  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <a class="brand" href="/app/chats" onClick={onLinkClick}>
          <img src="/favicon.svg" alt="" width={24} height={24} /> Wetty
        </a>
        <Nav current={route.name} />
        <span class="muted" data-me={profile.username}>
          {profile.nickname || profile.username}
        </span>
      </header>
      <ConnectionBanner />
      <div class="main" id={route.name === 'chats' ? 'main' : undefined}>
        <Screen route={route} />
      </div>
    </div>
  );
}

function Nav({ current }: { current: Route['name'] }) {
  const unread = useStore(chats).reduce((sum, chat) => sum + chat.unread_count, 0);
  const unseen = unseenCount(useStore(notifications), useStore(seenNotificationId));
  const item = (name: Route['name'], label: string, count = 0) => (
    <a href={`/app/${name}`} onClick={onLinkClick} aria-current={current === name ? 'page' : undefined}>
      {label}
      {count > 0 && (
        <>
          {' '}
          <span class="badge" data-count={count}>
            {count}
          </span>
          <span class="visually-hidden"> new</span>
        </>
      )}
    </a>
  );
  return (
    <nav class="nav" aria-label="Main">
      {item('chats', 'Chats', unread)}
      {item('friends', 'Friends')}
      {item('groups', 'Groups')}
      {item('notifications', 'Notifications', unseen)}
      {item('profile', 'Profile')}
    </nav>
  );
}

function Screen({ route }: { route: Route }) {
  switch (route.name) {
    case 'chats':
      return <ChatsScreen chatId={route.chatId} threadRootId={route.threadRootId} />;
    case 'friends':
      return <FriendsScreen />;
    case 'groups':
      return route.groupId ? <GroupScreen key={route.groupId} groupId={route.groupId} /> : <GroupsScreen />;
    case 'notifications':
      return <NotificationsScreen />;
    case 'profile':
      return <ProfileScreen />;
    default:
      return null;
  }
}
