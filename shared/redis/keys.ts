/**
 * Every Redis key and channel name the product uses, under one configurable prefix.
 *
 * Keys that one script or transaction touches together share a `{hash tag}`, so on a Redis Cluster
 * they live in one slot: a cached fact and its generation counter (`{<fact>}`), and every presence
 * key (`{presence}`: the expiry index is swept with the users' sets in one script). On a single node
 * the braces are only characters.
 */
export function redisKeys(prefix: string) {
  return {
    wsTicket: (ticket: string) => `${prefix}:ws-ticket:${ticket}`,
    rateLimit: (bucket: string, subject: string) => `${prefix}:rate:${bucket}:${subject}`,
    chatFacts: (chatId: string) => `${prefix}:access:chat:{${chatId}}`,
    memberFacts: (chatId: string, uid: string) => `${prefix}:access:member:{${chatId}:${uid}}`,
    /** Pub/sub: everything for one user's sockets, on whichever node they are. */
    userChannel: (uid: string) => `${prefix}:user:${uid}`,
    /** Pub/sub: events of a large group's chat, fanned out by each node to its local members. */
    chatChannel: (chatId: string) => `${prefix}:chat:${chatId}`,
    /** Sorted set of the realtime nodes holding sockets of a user, scored by when each entry expires. */
    presence: (uid: string) => `${prefix}:{presence}:user:${uid}`,
    /** A user's open sockets on every node: members `<node>:<socket>`, scored by when they expire unless their node refreshes them. */
    userSockets: (uid: string) => `${prefix}:sockets:${uid}`,
    /** Sorted set of users scored by their latest presence expiry: what the nodes sweep. */
    presenceExpiry: `${prefix}:{presence}:expiry`,
    /** The highest seq of a chat already pushed to a user's devices, so the next push counts only newer messages. */
    pushedSeq: (uid: string, chatId: string) => `${prefix}:push-seq:${uid}:${chatId}`,
    /** Pub/sub: the workers' answers to the sends one api process enqueued (shared/contracts/send-replies.ts). */
    sendReplies: (apiInstance: string) => `${prefix}:send-replies:${apiInstance}`,
    /** Pub/sub: a user's sessions changed; api processes forget their cached token checks. */
    sessionChanges: `${prefix}:session-changes`,
    /**
     * Sorted set of the webhook deliveries of one ordering stream (a chat) to one endpoint not yet
     * done, scored by their outbox row: the lowest is the only one that may be delivered.
     */
    webhookOrder: (endpointId: string, stream: string) => `${prefix}:webhook-order:${endpointId}:${stream}`,
    /** The cached list of registered webhook endpoints and the events each takes (a fact: shared/access/fact-cache.ts). */
    webhookEndpoints: `${prefix}:webhooks:{endpoints}`,
    /** The primary's WAL position after a user's latest write (shared/db/read-routing.ts). */
    readYourWrites: (uid: string) => `${prefix}:rw-lsn:${uid}`,
    /** One key per unordered pair of users. */
    pairFacts: (a: string, b: string) => (a < b ? `${prefix}:access:pair:{${a}:${b}}` : `${prefix}:access:pair:{${b}:${a}}`),
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;
