import type { BodyOf, QueryOf } from '../rest/request-types.ts';
import type { Requester } from './requester.ts';

/** Profiles, search and sessions (`/users`). */
export function usersResource(request: Requester) {
  return {
    /** Your own profile. */
    profile: () => request('GET', '/users/profile'),
    updateProfile: (changes: BodyOf<'PUT /users/profile'>) => request('PUT', '/users/profile', { body: changes }),
    /** Someone's public profile. */
    get: (uid: string) => request('GET', '/users/{uid}', { params: { uid } }),
    /** Users by username prefix; pass `next_cursor` back as `cursor` for the next page. */
    search: (q: string, options: Omit<NonNullable<QueryOf<'GET /users/search'>>, 'q'> = {}) => request('GET', '/users/search', { query: { q, ...options } }),
    /** Your signed-in devices. */
    sessions: () => request('GET', '/users/sessions'),
    /** Ends one of your sessions (another device). */
    revokeSession: (clientKey: string) => request('DELETE', '/users/sessions/{client_key}', { params: { client_key: clientKey } }),
  };
}

/** Stored notifications (`GET /users/notifications`), oldest first. */
export function notificationsResource(request: Requester) {
  return {
    /** The newest `max`, or the next `max` after the notification id `after`. */
    list: (query: QueryOf<'GET /users/notifications'> = {}) => request('GET', '/users/notifications', { query }),
  };
}
