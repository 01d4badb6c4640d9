/**
 * Every failure the SDK reports: an api refusal (`status` and `code` from the error body), a
 * network failure (`status: 0`, `code: "network_error"`), a timeout (`status: 0`, `code: "timeout"`)
 * or an abort (`status: 0`, `code: "aborted"`). Branch on `code`; `message` is for people.
 */
export class WettyError extends Error {
  override readonly name = 'WettyError';
  constructor(
    /** HTTP status, or 0 when no answer arrived. */
    readonly status: number,
    /** snake_case and stable, e.g. `not_member`, `rate_limited`, `network_error`. */
    readonly code: string,
    message: string,
    /** For `invalid_input`: one entry per bad field. */
    readonly details?: readonly { field?: string; message?: string }[],
    /** Seconds to wait before trying again (from `Retry-After`), when the api gave one. */
    readonly retryAfter?: number,
  ) {
    super(message);
  }

  /** True for failures worth retrying as they are: no answer, 429, 5xx. */
  get transient(): boolean {
    return this.status === 0 ? this.code !== 'aborted' : this.status === 429 || this.status >= 500;
  }
}

export const isWettyError = (value: unknown): value is WettyError => value instanceof WettyError;
