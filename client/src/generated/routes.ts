// Generated from the api's OpenAPI document (api/routes.ts) by client/build/generate-routes.ts.
// Do not edit: run `npm run generate -w @wetty/client` after changing a route.

/** The error body every refusal carries. */
export type ErrorEnvelope = {
  error: {
    /** snake_case, stable: branch on this */
    code: string;
    /** for people; may change */
    message: string;
    /** for invalid_input: one entry per bad field */
    details?: Array<{
      field?: string;
      message?: string;
    }>;
  };
};

/** Every route of the api, keyed by `METHOD /path` (OpenAPI path syntax). */
export interface RouteTable {
  /** Register a user */
  "POST /users/auth/register": {
    auth: false;
    params: undefined;
    query: undefined;
    body: {
      username: string;
      password: string;
    };
    status: 201;
    response: {
      uid: string;
      username: string;
      nickname: string;
      created_at: string;
    };
    errorCode: "headers_too_large" | "invalid_body" | "invalid_input" | "invalid_json" | "origin_not_allowed" | "payload_too_large" | "rate_limited" | "unavailable" | "unsupported_media_type" | "username_taken";
  };
  /** Log in; web tokens are short-lived, mobile tokens long-lived */
  "POST /users/auth/login": {
    auth: false;
    params: undefined;
    query: undefined;
    body: {
      username: string;
      password: string;
      client_type: "web" | "mobile";
    };
    status: 200;
    response: {
      token: string;
      user_key: string;
      uid: string;
      client_type: "web" | "mobile";
      expires_at: string;
    };
    errorCode: "headers_too_large" | "invalid_body" | "invalid_credentials" | "invalid_input" | "invalid_json" | "origin_not_allowed" | "payload_too_large" | "rate_limited" | "unavailable" | "unsupported_media_type";
  };
  /** Reissue the refresh secret and timestamp of this session (send the current token, as for signed-in routes) */
  "POST /users/auth/refresh": {
    auth: false;
    params: undefined;
    query: undefined;
    body: undefined;
    status: 200;
    response: {
      token: string;
      user_key: string;
      uid: string;
      client_type: "web" | "mobile";
      expires_at: string;
    };
    errorCode: "headers_too_large" | "invalid_body" | "invalid_input" | "invalid_json" | "origin_not_allowed" | "payload_too_large" | "rate_limited" | "token_already_refreshed" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** End this session */
  "POST /users/auth/logout": {
    auth: true;
    params: undefined;
    query: undefined;
    body: undefined;
    status: 204;
    response: undefined;
    errorCode: "headers_too_large" | "invalid_body" | "invalid_input" | "invalid_json" | "origin_not_allowed" | "payload_too_large" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** End every session of this user */
  "POST /users/auth/logout_all": {
    auth: true;
    params: undefined;
    query: undefined;
    body: undefined;
    status: 204;
    response: undefined;
    errorCode: "headers_too_large" | "invalid_body" | "invalid_input" | "invalid_json" | "origin_not_allowed" | "payload_too_large" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** A single-use ticket for opening the WebSocket */
  "POST /users/auth/ws_ticket": {
    auth: true;
    params: undefined;
    query: undefined;
    body: undefined;
    status: 201;
    response: {
      ticket: string;
      expires_in: number;
    };
    errorCode: "headers_too_large" | "invalid_body" | "invalid_input" | "invalid_json" | "origin_not_allowed" | "payload_too_large" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** List this user's sessions */
  "GET /users/sessions": {
    auth: true;
    params: undefined;
    query: undefined;
    body: undefined;
    status: 200;
    response: {
      sessions: Array<{
        client_key: string;
        client_type: "web" | "mobile";
        user_agent: string | null;
        created_at: string;
        refreshed_at: string;
        expires_at: string;
        current: boolean;
      }>;
    };
    errorCode: "headers_too_large" | "invalid_input" | "origin_not_allowed" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** Revoke one of this user's sessions */
  "DELETE /users/sessions/{client_key}": {
    auth: true;
    params: {
      client_key: string;
    };
    query: undefined;
    body: undefined;
    status: 204;
    response: undefined;
    errorCode: "headers_too_large" | "invalid_input" | "not_found" | "origin_not_allowed" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** The caller's own profile */
  "GET /users/profile": {
    auth: true;
    params: undefined;
    query: undefined;
    body: undefined;
    status: 200;
    response: {
      uid: string;
      username: string;
      nickname: string;
      avatar_fid: string | null;
      bio: string;
      sr_link: string | null;
      add_friend_setting: "anyone" | "verify" | "mutual" | "nobody";
      created_at: string;
    };
    errorCode: "headers_too_large" | "invalid_input" | "not_found" | "origin_not_allowed" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** Change some fields of the caller's profile */
  "PUT /users/profile": {
    auth: true;
    params: undefined;
    query: undefined;
    body: {
      nickname?: string;
      avatar_fid?: string | null;
      bio?: string;
      sr_link?: string | null;
      add_friend_setting?: "anyone" | "verify" | "mutual" | "nobody";
    };
    status: 200;
    response: {
      uid: string;
      username: string;
      nickname: string;
      avatar_fid: string | null;
      bio: string;
      sr_link: string | null;
      add_friend_setting: "anyone" | "verify" | "mutual" | "nobody";
      created_at: string;
    };
    errorCode: "headers_too_large" | "invalid_body" | "invalid_input" | "invalid_json" | "not_found" | "origin_not_allowed" | "payload_too_large" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** Find users by username prefix */
  "GET /users/search": {
    auth: true;
    params: undefined;
    query: {
      q: string;
      limit?: number;
      cursor?: string;
    };
    body: undefined;
    status: 200;
    response: {
      users: Array<{
        uid: string;
        username: string;
        nickname: string;
        avatar_fid: string | null;
        bio: string;
        sr_link: string | null;
      }>;
      next_cursor: string | null;
    };
    errorCode: "headers_too_large" | "invalid_input" | "origin_not_allowed" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** My notifications, oldest first (?after= for the ones since) */
  "GET /users/notifications": {
    auth: true;
    params: undefined;
    query: {
      after?: string;
      max?: number;
    };
    body: undefined;
    status: 200;
    response: {
      notifications: Array<{
        id: string;
        type: string;
        created_at: string;
        [key: string]: unknown;
      }>;
    };
    errorCode: "headers_too_large" | "invalid_input" | "origin_not_allowed" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** A user's public profile */
  "GET /users/{uid}": {
    auth: true;
    params: {
      uid: string;
    };
    query: undefined;
    body: undefined;
    status: 200;
    response: {
      uid: string;
      username: string;
      nickname: string;
      avatar_fid: string | null;
      bio: string;
      sr_link: string | null;
    };
    errorCode: "headers_too_large" | "invalid_input" | "not_found" | "origin_not_allowed" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** Register this session's device for pushes (Web Push, FCM or APNs) */
  "POST /users/push/subscriptions": {
    auth: true;
    params: undefined;
    query: undefined;
    body: {
      kind: "webpush";
      endpoint: string;
      keys: {
        p256dh: string;
        auth: string;
      };
      expirationTime?: number | null;
    } | {
      kind: "fcm";
      token: string;
    } | {
      kind: "apns";
      token: string;
    };
    status: 201;
    response: {
      id: string;
    };
    errorCode: "headers_too_large" | "invalid_body" | "invalid_input" | "invalid_json" | "origin_not_allowed" | "payload_too_large" | "provider_not_configured" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** List this user's push devices */
  "GET /users/push/subscriptions": {
    auth: true;
    params: undefined;
    query: undefined;
    body: undefined;
    status: 200;
    response: {
      subscriptions: Array<{
        id: string;
        kind: "webpush" | "fcm" | "apns";
        endpoint: string | null;
        token: string | null;
        created_at: string;
        current: boolean;
      }>;
    };
    errorCode: "headers_too_large" | "invalid_input" | "origin_not_allowed" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** Remove one of this user's push devices */
  "DELETE /users/push/subscriptions/{id}": {
    auth: true;
    params: {
      id: string;
    };
    query: undefined;
    body: undefined;
    status: 204;
    response: undefined;
    errorCode: "headers_too_large" | "invalid_input" | "not_found" | "origin_not_allowed" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** The VAPID public key for a browser's pushManager.subscribe */
  "GET /users/push/vapid_public_key": {
    auth: true;
    params: undefined;
    query: undefined;
    body: undefined;
    status: 200;
    response: {
      public_key: string;
    };
    errorCode: "headers_too_large" | "invalid_input" | "origin_not_allowed" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** Ask someone to be friends (accepted at once when they allow anyone) */
  "POST /friend/apply": {
    auth: true;
    params: undefined;
    query: undefined;
    body: {
      target_user_id: string;
      apply_msg?: string;
    };
    status: 201;
    response: {
      request_id?: string;
      status: "pending" | "accepted";
      chat_id?: string;
    };
    errorCode: "already_friends" | "blocked" | "headers_too_large" | "invalid_body" | "invalid_input" | "invalid_json" | "invalid_target" | "not_accepting_requests" | "not_found" | "not_mutual" | "origin_not_allowed" | "payload_too_large" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** List my friends */
  "GET /friend": {
    auth: true;
    params: undefined;
    query: undefined;
    body: undefined;
    status: 200;
    response: {
      friends: Array<{
        uid: string;
        username: string;
        nickname: string;
        avatar_fid: string | null;
        since: string;
      }>;
    };
    errorCode: "headers_too_large" | "invalid_input" | "origin_not_allowed" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** Pending friend requests to me (incoming) or from me (outgoing) */
  "GET /friend/requests": {
    auth: true;
    params: undefined;
    query: {
      direction?: "incoming" | "outgoing";
    };
    body: undefined;
    status: 200;
    response: {
      requests: Array<{
        request_id: string;
        from_uid: string;
        to_uid: string;
        apply_msg: string;
        status: "pending";
        created_at: string;
        user: {
          uid: string;
          username: string;
          nickname: string;
          avatar_fid: string | null;
        };
      }>;
    };
    errorCode: "headers_too_large" | "invalid_input" | "origin_not_allowed" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** Accept a friend request sent to me */
  "POST /friend/requests/{request_id}/accept": {
    auth: true;
    params: {
      request_id: string;
    };
    query: undefined;
    body: undefined;
    status: 200;
    response: {
      request_id: string;
      status: "accepted" | "rejected";
      chat_id?: string;
    };
    errorCode: "blocked" | "headers_too_large" | "invalid_body" | "invalid_input" | "invalid_json" | "not_found" | "origin_not_allowed" | "payload_too_large" | "rate_limited" | "request_closed" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** Reject a friend request sent to me */
  "POST /friend/requests/{request_id}/reject": {
    auth: true;
    params: {
      request_id: string;
    };
    query: undefined;
    body: undefined;
    status: 200;
    response: {
      request_id: string;
      status: "accepted" | "rejected";
      chat_id?: string;
    };
    errorCode: "headers_too_large" | "invalid_body" | "invalid_input" | "invalid_json" | "not_found" | "origin_not_allowed" | "payload_too_large" | "rate_limited" | "request_closed" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** List the users I block */
  "GET /friend/blocks": {
    auth: true;
    params: undefined;
    query: undefined;
    body: undefined;
    status: 200;
    response: {
      blocks: Array<{
        uid: string;
        username: string;
        nickname: string;
        blocked_at: string;
      }>;
    };
    errorCode: "headers_too_large" | "invalid_input" | "origin_not_allowed" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** Block a user (one-way) */
  "POST /friend/block": {
    auth: true;
    params: undefined;
    query: undefined;
    body: {
      target_user_id: string;
    };
    status: 201;
    response: {
      blocked_uid: string;
    };
    errorCode: "headers_too_large" | "invalid_body" | "invalid_input" | "invalid_json" | "invalid_target" | "not_found" | "origin_not_allowed" | "payload_too_large" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** Unblock a user */
  "DELETE /friend/block/{user_id}": {
    auth: true;
    params: {
      user_id: string;
    };
    query: undefined;
    body: undefined;
    status: 204;
    response: undefined;
    errorCode: "headers_too_large" | "invalid_input" | "not_found" | "origin_not_allowed" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** Remove a friend */
  "DELETE /friend/{user_id}": {
    auth: true;
    params: {
      user_id: string;
    };
    query: undefined;
    body: undefined;
    status: 204;
    response: undefined;
    errorCode: "headers_too_large" | "invalid_input" | "not_found" | "origin_not_allowed" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** Create a group (the creator is its owner) */
  "POST /group": {
    auth: true;
    params: undefined;
    query: undefined;
    body: {
      name: string;
      avatar_fid?: string | null;
      description?: string;
      announcement?: string;
      visibility?: "public" | "private";
      join_rule?: "open" | "approval" | "invite_only";
      category?: "small" | "large";
    };
    status: 201;
    response: {
      id: string;
      chat_id: string;
      name: string;
      avatar_fid: string | null;
      description: string;
      announcement: string;
      visibility: "public" | "private";
      join_rule: "open" | "approval" | "invite_only";
      category: "small" | "large";
      mute_all: boolean;
      members_can_pin: boolean;
      member_count: number;
      owner_uid: string | null;
      my_role: "owner" | "manager" | "member" | null;
      created_at: string;
      updated_at: string;
    };
    errorCode: "headers_too_large" | "invalid_body" | "invalid_input" | "invalid_json" | "origin_not_allowed" | "payload_too_large" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** List my groups */
  "GET /group": {
    auth: true;
    params: undefined;
    query: undefined;
    body: undefined;
    status: 200;
    response: {
      groups: Array<{
        id: string;
        chat_id: string;
        name: string;
        avatar_fid: string | null;
        category: "small" | "large";
        visibility: "public" | "private";
        member_count: number;
        my_role: "owner" | "manager" | "member";
      }>;
    };
    errorCode: "headers_too_large" | "invalid_input" | "origin_not_allowed" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** Find public groups by name prefix */
  "GET /group/search": {
    auth: true;
    params: undefined;
    query: {
      limit?: number;
      cursor?: string;
      q: string;
    };
    body: undefined;
    status: 200;
    response: {
      groups: Array<{
        id: string;
        name: string;
        avatar_fid: string | null;
        description: string;
        join_rule: "open" | "approval" | "invite_only";
        category: "small" | "large";
        member_count: number;
      }>;
      next_cursor: string | null;
    };
    errorCode: "headers_too_large" | "invalid_input" | "origin_not_allowed" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** A group's profile (private groups: members only) */
  "GET /group/{group_id}": {
    auth: true;
    params: {
      group_id: string;
    };
    query: undefined;
    body: undefined;
    status: 200;
    response: {
      id: string;
      chat_id: string;
      name: string;
      avatar_fid: string | null;
      description: string;
      announcement: string;
      visibility: "public" | "private";
      join_rule: "open" | "approval" | "invite_only";
      category: "small" | "large";
      mute_all: boolean;
      members_can_pin: boolean;
      member_count: number;
      owner_uid: string | null;
      my_role: "owner" | "manager" | "member" | null;
      created_at: string;
      updated_at: string;
    };
    errorCode: "headers_too_large" | "invalid_input" | "not_found" | "origin_not_allowed" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** Disband a group (owner only) */
  "DELETE /group/{group_id}": {
    auth: true;
    params: {
      group_id: string;
    };
    query: undefined;
    body: undefined;
    status: 204;
    response: undefined;
    errorCode: "headers_too_large" | "invalid_input" | "not_found" | "not_member" | "not_owner" | "origin_not_allowed" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** Edit the group profile (owner and managers) */
  "PUT /group/{group_id}/profile": {
    auth: true;
    params: {
      group_id: string;
    };
    query: undefined;
    body: {
      name?: string;
      avatar_fid?: string | null;
      description?: string;
      announcement?: string;
      visibility?: "public" | "private";
      join_rule?: "open" | "approval" | "invite_only";
      category?: "small" | "large";
      mute_all?: boolean;
      members_can_pin?: boolean;
    };
    status: 200;
    response: {
      id: string;
      chat_id: string;
      name: string;
      avatar_fid: string | null;
      description: string;
      announcement: string;
      visibility: "public" | "private";
      join_rule: "open" | "approval" | "invite_only";
      category: "small" | "large";
      mute_all: boolean;
      members_can_pin: boolean;
      member_count: number;
      owner_uid: string | null;
      my_role: "owner" | "manager" | "member" | null;
      created_at: string;
      updated_at: string;
    };
    errorCode: "group_too_large" | "headers_too_large" | "invalid_body" | "invalid_input" | "invalid_json" | "not_found" | "not_manager" | "not_member" | "origin_not_allowed" | "payload_too_large" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** List members (members only) */
  "GET /group/{group_id}/members": {
    auth: true;
    params: {
      group_id: string;
    };
    query: {
      limit?: number;
      cursor?: string;
    };
    body: undefined;
    status: 200;
    response: {
      members: Array<{
        uid: string;
        username: string;
        nickname: string;
        avatar_fid: string | null;
        role: "owner" | "manager" | "member";
        muted_until: string | null;
        joined_at: string;
      }>;
      next_cursor: string | null;
    };
    errorCode: "headers_too_large" | "invalid_input" | "not_found" | "not_member" | "origin_not_allowed" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** Add members (owner and managers) */
  "POST /group/{group_id}/members": {
    auth: true;
    params: {
      group_id: string;
    };
    query: undefined;
    body: {
      user_ids: Array<string>;
    };
    status: 200;
    response: {
      added: Array<string>;
      already_members: Array<string>;
      refused: Array<{
        uid: string;
        code: "not_found" | "blocked";
      }>;
    };
    errorCode: "group_full" | "headers_too_large" | "invalid_body" | "invalid_input" | "invalid_json" | "not_found" | "not_manager" | "not_member" | "origin_not_allowed" | "payload_too_large" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** Join an open group or apply to an approval group */
  "POST /group/{group_id}/members/apply": {
    auth: true;
    params: {
      group_id: string;
    };
    query: undefined;
    body: {
      apply_msg?: string;
    };
    status: 201;
    response: {
      status: "joined" | "pending";
      chat_id?: string;
      application_id?: string;
    };
    errorCode: "already_member" | "group_full" | "headers_too_large" | "invalid_body" | "invalid_input" | "invalid_json" | "invite_only" | "not_found" | "origin_not_allowed" | "payload_too_large" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** Pending applications (owner and managers) */
  "GET /group/{group_id}/members/applications": {
    auth: true;
    params: {
      group_id: string;
    };
    query: undefined;
    body: undefined;
    status: 200;
    response: {
      applications: Array<{
        application_id: string;
        applicant: {
          uid: string;
          username: string;
          nickname: string;
        };
        apply_msg: string;
        created_at: string;
      }>;
    };
    errorCode: "headers_too_large" | "invalid_input" | "not_found" | "not_manager" | "not_member" | "origin_not_allowed" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** Approve an application */
  "POST /group/{group_id}/members/applications/{application_id}/approve": {
    auth: true;
    params: {
      group_id: string;
      application_id: string;
    };
    query: undefined;
    body: undefined;
    status: 200;
    response: {
      application_id: string;
      status: "approved" | "rejected";
    };
    errorCode: "application_closed" | "group_full" | "headers_too_large" | "invalid_body" | "invalid_input" | "invalid_json" | "not_found" | "not_manager" | "not_member" | "origin_not_allowed" | "payload_too_large" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** Reject an application */
  "POST /group/{group_id}/members/applications/{application_id}/reject": {
    auth: true;
    params: {
      group_id: string;
      application_id: string;
    };
    query: undefined;
    body: undefined;
    status: 200;
    response: {
      application_id: string;
      status: "approved" | "rejected";
    };
    errorCode: "application_closed" | "headers_too_large" | "invalid_body" | "invalid_input" | "invalid_json" | "not_found" | "not_manager" | "not_member" | "origin_not_allowed" | "payload_too_large" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** Leave (your own uid) or kick a member */
  "DELETE /group/{group_id}/members/{user_id}": {
    auth: true;
    params: {
      group_id: string;
      user_id: string;
    };
    query: undefined;
    body: undefined;
    status: 204;
    response: undefined;
    errorCode: "headers_too_large" | "insufficient_role" | "invalid_input" | "not_found" | "not_manager" | "not_member" | "origin_not_allowed" | "owner_must_transfer" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** Make a member a manager or revoke it (owner only) */
  "PUT /group/{group_id}/managers": {
    auth: true;
    params: {
      group_id: string;
    };
    query: undefined;
    body: {
      target_user_id: string;
      is_manager: boolean;
    };
    status: 200;
    response: {
      uid: string;
      role: "owner" | "manager" | "member";
    };
    errorCode: "headers_too_large" | "invalid_body" | "invalid_input" | "invalid_json" | "invalid_target" | "not_found" | "not_member" | "not_owner" | "origin_not_allowed" | "payload_too_large" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** Transfer ownership (owner only) */
  "POST /group/{group_id}/transfer": {
    auth: true;
    params: {
      group_id: string;
    };
    query: undefined;
    body: {
      target_user_id: string;
    };
    status: 200;
    response: {
      owner_uid: string;
    };
    errorCode: "headers_too_large" | "invalid_body" | "invalid_input" | "invalid_json" | "invalid_target" | "not_found" | "not_member" | "not_owner" | "origin_not_allowed" | "payload_too_large" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** Mute a member for a while, or unmute */
  "POST /group/{group_id}/mute": {
    auth: true;
    params: {
      group_id: string;
    };
    query: undefined;
    body: {
      target_user_id: string;
      mute_status: boolean;
      duration_seconds?: number;
    };
    status: 200;
    response: {
      uid: string;
      muted_until: string | null;
    };
    errorCode: "headers_too_large" | "insufficient_role" | "invalid_body" | "invalid_input" | "invalid_json" | "invalid_target" | "not_found" | "not_manager" | "not_member" | "origin_not_allowed" | "payload_too_large" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** My chats, most recently active first */
  "GET /chats": {
    auth: true;
    params: undefined;
    query: {
      limit?: number;
    };
    body: undefined;
    status: 200;
    response: {
      chats: Array<{
        chat_id: string;
        kind: "direct" | "group";
        peer: {
          uid: string;
          username: string;
          nickname: string;
          avatar_fid: string | null;
        } | null;
        group: {
          id: string;
          name: string;
          avatar_fid: string | null;
          category: "small" | "large";
        } | null;
        last_seq: number;
        last_read_seq: number;
        unread_count: number;
        last_message: {
          id: string;
          chat_id: string;
          seq: number;
          sender_uid: string;
          message: string;
          message_type: "text" | "emote" | "image" | "file" | "reminder" | "system";
          format: "plain" | "markdown";
          client_generated_id: string;
          reply_to_id: string | null;
          reply_root_id: string | null;
          forwarded_from: string | null;
          mentions: Array<string>;
          reactions: Array<{
            emoji: string;
            count: number;
            uids: Array<string>;
          }>;
          file: {
            fid: string;
            name: string;
            size: number;
            mime: string;
            width: number | null;
            height: number | null;
          } | null;
          remind_at: string | null;
          recalled: boolean;
          created_at: string;
          edited_at: string | null;
          edit_count: number;
        } | null;
        last_activity_at: string;
        change_cursor: number;
      }>;
    };
    errorCode: "headers_too_large" | "invalid_input" | "origin_not_allowed" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** Get or create the direct chat with a friend */
  "POST /chats/direct": {
    auth: true;
    params: undefined;
    query: undefined;
    body: {
      target_user_id: string;
    };
    status: 200;
    response: {
      chat_id: string;
      kind: "direct";
      peer_uid: string;
      created: boolean;
    };
    errorCode: "blocked" | "headers_too_large" | "invalid_body" | "invalid_input" | "invalid_json" | "invalid_target" | "not_found" | "not_friends" | "origin_not_allowed" | "payload_too_large" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** Search the messages you may read: words, "phrases", -excluded; newest first or by rank */
  "GET /chats/search": {
    auth: true;
    params: undefined;
    query: {
      q: string;
      chat_id?: string;
      from_uid?: string;
      before?: string;
      order?: "time" | "rank";
      cursor?: string;
      limit?: number;
    };
    body: undefined;
    status: 200;
    response: {
      results: Array<{
        message: {
          id: string;
          chat_id: string;
          seq: number;
          sender_uid: string;
          message: string;
          message_type: "text" | "emote" | "image" | "file" | "reminder" | "system";
          format: "plain" | "markdown";
          client_generated_id: string;
          reply_to_id: string | null;
          reply_root_id: string | null;
          forwarded_from: string | null;
          mentions: Array<string>;
          reactions: Array<{
            emoji: string;
            count: number;
            uids: Array<string>;
          }>;
          file: {
            fid: string;
            name: string;
            size: number;
            mime: string;
            width: number | null;
            height: number | null;
          } | null;
          remind_at: string | null;
          recalled: boolean;
          created_at: string;
          edited_at: string | null;
          edit_count: number;
        };
        highlights: Array<{
          /** first UTF-16 code unit of the match in `message.message` */
          start: number;
          /** the code unit after the match */
          end: number;
        }>;
      }>;
      next_cursor: string | null;
    };
    errorCode: "headers_too_large" | "invalid_input" | "invalid_query" | "not_found" | "origin_not_allowed" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** Recall a message (sender within the window; owner and managers any time) */
  "POST /chats/message/recall": {
    auth: true;
    params: undefined;
    query: undefined;
    body: {
      msg_id: string;
    };
    status: 200;
    response: {
      chat_id: string;
      msg_id: string;
      seq: number;
      recalled: true;
    };
    errorCode: "headers_too_large" | "invalid_body" | "invalid_input" | "invalid_json" | "not_allowed" | "not_found" | "origin_not_allowed" | "payload_too_large" | "rate_limited" | "recall_window_passed" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** Messages newest first (?before=<message id>), or after a seq (?after=) in order */
  "GET /chats/{chat_id}/messages": {
    auth: true;
    params: {
      chat_id: string;
    };
    query: {
      before?: string;
      after?: number;
      max?: number;
    };
    body: undefined;
    status: 200;
    response: {
      messages: Array<{
        id: string;
        chat_id: string;
        seq: number;
        sender_uid: string;
        message: string;
        message_type: "text" | "emote" | "image" | "file" | "reminder" | "system";
        format: "plain" | "markdown";
        client_generated_id: string;
        reply_to_id: string | null;
        reply_root_id: string | null;
        forwarded_from: string | null;
        mentions: Array<string>;
        reactions: Array<{
          emoji: string;
          count: number;
          uids: Array<string>;
        }>;
        file: {
          fid: string;
          name: string;
          size: number;
          mime: string;
          width: number | null;
          height: number | null;
        } | null;
        remind_at: string | null;
        recalled: boolean;
        created_at: string;
        edited_at: string | null;
        edit_count: number;
      }>;
      has_more: boolean;
    };
    errorCode: "headers_too_large" | "invalid_input" | "not_found" | "origin_not_allowed" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** Send a message: 201 stored, 202 queued */
  "POST /chats/{chat_id}/messages": {
    auth: true;
    params: {
      chat_id: string;
    };
    query: undefined;
    body: {
      client_generated_id: string;
      message?: string;
      message_type?: "text" | "emote" | "image" | "file" | "reminder";
      format?: "plain" | "markdown";
      reply_to_id?: string;
      reply_root_id?: string;
      forward_from_id?: string;
      mentions?: Array<string>;
      remind_at?: string;
    };
    status: 201;
    response: {
      id: string;
      chat_id: string;
      seq: number;
      sender_uid: string;
      message: string;
      message_type: "text" | "emote" | "image" | "file" | "reminder" | "system";
      format: "plain" | "markdown";
      client_generated_id: string;
      reply_to_id: string | null;
      reply_root_id: string | null;
      forwarded_from: string | null;
      mentions: Array<string>;
      reactions: Array<{
        emoji: string;
        count: number;
        uids: Array<string>;
      }>;
      file: {
        fid: string;
        name: string;
        size: number;
        mime: string;
        width: number | null;
        height: number | null;
      } | null;
      remind_at: string | null;
      recalled: boolean;
      created_at: string;
      edited_at: string | null;
      edit_count: number;
    };
    errorCode: "blocked" | "cannot_forward" | "client_generated_id_reused" | "file_not_found" | "headers_too_large" | "invalid_body" | "invalid_input" | "invalid_json" | "invalid_markdown" | "invalid_reply" | "message_denied" | "moderation_unavailable" | "muted" | "muted_all" | "not_found" | "not_friends" | "not_member" | "origin_not_allowed" | "payload_too_large" | "rate_limited" | "session_ended" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** My push settings for the chat */
  "GET /chats/{chat_id}/settings": {
    auth: true;
    params: {
      chat_id: string;
    };
    query: undefined;
    body: undefined;
    status: 200;
    response: {
      chat_id: string;
      notifications: "all" | "mentions" | "none";
      muted_until: string | null;
    };
    errorCode: "headers_too_large" | "invalid_input" | "not_found" | "origin_not_allowed" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** Set which pushes of the chat I get (all, mentions, none) and mute them until a time */
  "PUT /chats/{chat_id}/settings": {
    auth: true;
    params: {
      chat_id: string;
    };
    query: undefined;
    body: {
      notifications: "all" | "mentions" | "none";
      muted_until?: string | null;
    };
    status: 200;
    response: {
      chat_id: string;
      notifications: "all" | "mentions" | "none";
      muted_until: string | null;
    };
    errorCode: "headers_too_large" | "invalid_body" | "invalid_input" | "invalid_json" | "not_found" | "origin_not_allowed" | "payload_too_large" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** Mark the chat read up to a seq */
  "POST /chats/{chat_id}/read": {
    auth: true;
    params: {
      chat_id: string;
    };
    query: undefined;
    body: {
      seq: number;
    };
    status: 200;
    response: {
      chat_id: string;
      last_read_seq: number;
      unread_count: number;
    };
    errorCode: "headers_too_large" | "invalid_body" | "invalid_input" | "invalid_json" | "not_found" | "origin_not_allowed" | "payload_too_large" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** React to a message */
  "POST /chats/{chat_id}/messages/{msg_id}/reactions": {
    auth: true;
    params: {
      chat_id: string;
      msg_id: string;
    };
    query: undefined;
    body: {
      emoji: string;
    };
    status: 200;
    response: {
      chat_id: string;
      msg_id: string;
      reactions: Array<{
        emoji: string;
        count: number;
        uids: Array<string>;
      }>;
    };
    errorCode: "headers_too_large" | "invalid_body" | "invalid_input" | "invalid_json" | "not_found" | "origin_not_allowed" | "payload_too_large" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** Take back a reaction */
  "DELETE /chats/{chat_id}/messages/{msg_id}/reactions/{emoji}": {
    auth: true;
    params: {
      chat_id: string;
      msg_id: string;
      emoji: string;
    };
    query: undefined;
    body: undefined;
    status: 200;
    response: {
      chat_id: string;
      msg_id: string;
      reactions: Array<{
        emoji: string;
        count: number;
        uids: Array<string>;
      }>;
    };
    errorCode: "headers_too_large" | "invalid_input" | "not_found" | "origin_not_allowed" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** Edit your own text or emote message (within EDIT_WINDOW_SECONDS; not once recalled) */
  "PATCH /chats/{chat_id}/messages/{msg_id}": {
    auth: true;
    params: {
      chat_id: string;
      msg_id: string;
    };
    query: undefined;
    body: {
      message: string;
      format?: "plain" | "markdown";
    };
    status: 200;
    response: {
      id: string;
      chat_id: string;
      seq: number;
      sender_uid: string;
      message: string;
      message_type: "text" | "emote" | "image" | "file" | "reminder" | "system";
      format: "plain" | "markdown";
      client_generated_id: string;
      reply_to_id: string | null;
      reply_root_id: string | null;
      forwarded_from: string | null;
      mentions: Array<string>;
      reactions: Array<{
        emoji: string;
        count: number;
        uids: Array<string>;
      }>;
      file: {
        fid: string;
        name: string;
        size: number;
        mime: string;
        width: number | null;
        height: number | null;
      } | null;
      remind_at: string | null;
      recalled: boolean;
      created_at: string;
      edited_at: string | null;
      edit_count: number;
    };
    errorCode: "blocked" | "edit_window_passed" | "headers_too_large" | "invalid_body" | "invalid_format" | "invalid_input" | "invalid_json" | "invalid_markdown" | "invalid_message" | "message_denied" | "message_recalled" | "moderation_unavailable" | "muted" | "muted_all" | "not_allowed" | "not_editable" | "not_found" | "not_friends" | "not_member" | "origin_not_allowed" | "payload_too_large" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** A message's earlier versions, newest first */
  "GET /chats/{chat_id}/messages/{msg_id}/edits": {
    auth: true;
    params: {
      chat_id: string;
      msg_id: string;
    };
    query: undefined;
    body: undefined;
    status: 200;
    response: {
      chat_id: string;
      msg_id: string;
      edits: Array<{
        version: number;
        message: string;
        format: "plain" | "markdown";
        written_at: string;
        replaced_at: string;
      }>;
    };
    errorCode: "headers_too_large" | "invalid_input" | "not_found" | "origin_not_allowed" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** The chat's pinned messages, newest first */
  "GET /chats/{chat_id}/pins": {
    auth: true;
    params: {
      chat_id: string;
    };
    query: undefined;
    body: undefined;
    status: 200;
    response: {
      pins: Array<{
        chat_id: string;
        msg_id: string;
        by_uid: string;
        pinned_at: string;
        message: {
          id: string;
          chat_id: string;
          seq: number;
          sender_uid: string;
          message: string;
          message_type: "text" | "emote" | "image" | "file" | "reminder" | "system";
          format: "plain" | "markdown";
          client_generated_id: string;
          reply_to_id: string | null;
          reply_root_id: string | null;
          forwarded_from: string | null;
          mentions: Array<string>;
          reactions: Array<{
            emoji: string;
            count: number;
            uids: Array<string>;
          }>;
          file: {
            fid: string;
            name: string;
            size: number;
            mime: string;
            width: number | null;
            height: number | null;
          } | null;
          remind_at: string | null;
          recalled: boolean;
          created_at: string;
          edited_at: string | null;
          edit_count: number;
        };
      }>;
    };
    errorCode: "headers_too_large" | "invalid_input" | "not_found" | "origin_not_allowed" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** Pin a message (direct chats: either person; groups: owner and managers, or members when members_can_pin) */
  "POST /chats/{chat_id}/pins": {
    auth: true;
    params: {
      chat_id: string;
    };
    query: undefined;
    body: {
      msg_id: string;
    };
    status: 200;
    response: {
      chat_id: string;
      msg_id: string;
      by_uid: string;
      pinned_at: string;
      message: {
        id: string;
        chat_id: string;
        seq: number;
        sender_uid: string;
        message: string;
        message_type: "text" | "emote" | "image" | "file" | "reminder" | "system";
        format: "plain" | "markdown";
        client_generated_id: string;
        reply_to_id: string | null;
        reply_root_id: string | null;
        forwarded_from: string | null;
        mentions: Array<string>;
        reactions: Array<{
          emoji: string;
          count: number;
          uids: Array<string>;
        }>;
        file: {
          fid: string;
          name: string;
          size: number;
          mime: string;
          width: number | null;
          height: number | null;
        } | null;
        remind_at: string | null;
        recalled: boolean;
        created_at: string;
        edited_at: string | null;
        edit_count: number;
      };
    };
    errorCode: "blocked" | "headers_too_large" | "invalid_body" | "invalid_input" | "invalid_json" | "muted" | "muted_all" | "not_allowed" | "not_found" | "not_friends" | "origin_not_allowed" | "payload_too_large" | "rate_limited" | "too_many_pins" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** Unpin a message (whoever may pin) */
  "DELETE /chats/{chat_id}/pins/{msg_id}": {
    auth: true;
    params: {
      chat_id: string;
      msg_id: string;
    };
    query: undefined;
    body: undefined;
    status: 200;
    response: {
      chat_id: string;
      msg_id: string;
      pinned: false;
    };
    errorCode: "blocked" | "headers_too_large" | "invalid_input" | "muted" | "muted_all" | "not_allowed" | "not_found" | "not_friends" | "origin_not_allowed" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** Edits, recalls, reactions and pins after a change cursor (?since=), in order */
  "GET /chats/{chat_id}/changes": {
    auth: true;
    params: {
      chat_id: string;
    };
    query: {
      since: number;
      max?: number;
    };
    body: undefined;
    status: 200;
    response: {
      changes: Array<{
        kind: "edit";
        cursor: number;
        data: {
          chat_id: string;
          msg_id: string;
          seq: number;
          message: string;
          format: "plain" | "markdown";
          edited_at: string;
          edit_count: number;
          cursor: number;
        };
      } | {
        kind: "recall";
        cursor: number;
        data: {
          chat_id: string;
          msg_id: string;
          seq: number;
          cursor: number;
        };
      } | {
        kind: "reaction";
        cursor: number;
        data: {
          chat_id: string;
          msg_id: string;
          seq: number;
          uid: string;
          emoji: string;
          action: "added" | "removed";
          reactions: Array<{
            emoji: string;
            count: number;
            uids: Array<string>;
          }>;
          cursor: number;
        };
      } | {
        kind: "pin";
        cursor: number;
        data: {
          chat_id: string;
          msg_id: string;
          pinned: boolean;
          by_uid: string;
          at: string;
          cursor: number;
        };
      }>;
      has_more: boolean;
      cursor: number;
    };
    errorCode: "headers_too_large" | "invalid_input" | "not_found" | "origin_not_allowed" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** Upload one file, streamed to storage: multipart/form-data (one file part) or application/octet-stream (Content-Length). Token or X-Internal-Key */
  "POST /fserv/upload": {
    auth: false;
    params: undefined;
    query: {
      name?: string;
    };
    body: undefined;
    status: 201;
    response: {
      fid: string;
      name: string;
      size: number;
      mime: string;
      sha256: string;
      /** PNG, JPEG, GIF and WebP: pixels as displayed (EXIF orientation applied); null for other types or an unreadable header */
      width: number | null;
      height: number | null;
    };
    errorCode: "headers_too_large" | "invalid_input" | "invalid_multipart" | "length_required" | "no_file" | "origin_not_allowed" | "payload_too_large" | "rate_limited" | "too_many_files" | "unauthorized" | "unavailable" | "unsupported_media_type" | "upload_aborted" | "upload_too_slow";
  };
  /** A download URL that works without a token for a few minutes */
  "GET /fserv/link/{fid}": {
    auth: true;
    params: {
      fid: string;
    };
    query: undefined;
    body: undefined;
    status: 200;
    response: {
      url: string;
      expires_at: string;
    };
    errorCode: "headers_too_large" | "invalid_input" | "not_found" | "origin_not_allowed" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** Download a file (206 for a Range, 304 for If-None-Match); token or ?sig=; 404 unless the caller may see it */
  "GET /f/fserv/download/{fid}": {
    auth: false;
    params: {
      fid: string;
    };
    query: {
      sig?: string;
    };
    body: undefined;
    status: 200;
    response: unknown;
    errorCode: "headers_too_large" | "invalid_input" | "not_found" | "origin_not_allowed" | "range_not_satisfiable" | "rate_limited" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** A WebP thumbnail of a PNG, JPEG, GIF or WebP image, ?w= 160, 320 or 640 (304 for If-None-Match); token or ?sig=; 404 unless the caller may see the file */
  "GET /f/fserv/thumb/{fid}": {
    auth: false;
    params: {
      fid: string;
    };
    query: {
      sig?: string;
      /** the thumbnail width: 160, 320, 640 */
      w: "160" | "320" | "640";
    };
    body: undefined;
    status: 200;
    response: unknown;
    errorCode: "headers_too_large" | "invalid_input" | "no_thumbnail" | "not_found" | "origin_not_allowed" | "rate_limited" | "thumbnail_pending" | "unauthorized" | "unavailable" | "unsupported_media_type";
  };
  /** The process is alive */
  "GET /healthz": {
    auth: false;
    params: undefined;
    query: undefined;
    body: undefined;
    status: 200;
    response: {
      status: "ok";
    };
    errorCode: "headers_too_large" | "unsupported_media_type";
  };
  /** PostgreSQL and Redis answer and the process is not draining */
  "GET /readyz": {
    auth: false;
    params: undefined;
    query: undefined;
    body: undefined;
    status: 200;
    response: {
      status: "ready" | "not_ready";
      checks: {
        db: boolean;
        redis: boolean;
        draining: boolean;
      };
    };
    errorCode: "headers_too_large" | "unsupported_media_type";
  };
}

export type RouteName = keyof RouteTable;
