export interface HttpResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RequestOptions {
  token?: string;
  /** A value to send as JSON. */
  json?: unknown;
  /** Raw bytes or text, sent as is (for malformed or oversized bodies). */
  raw?: string | Buffer;
  headers?: Record<string, string>;
}

/**
 * A thin fetch wrapper for tests: JSON in, parsed JSON (or text) out, never throws on a status.
 * Given several base URLs (api processes side by side), it sends each request to the next one in
 * turn, as a round-robin load balancer would.
 */
export class HttpClient {
  /** The first base URL, for requests made outside the client. */
  readonly baseUrl: string;
  private readonly baseUrls: readonly string[];
  private turn = 0;

  constructor(baseUrls: string | readonly string[]) {
    this.baseUrls = typeof baseUrls === 'string' ? [baseUrls] : baseUrls;
    if (!this.baseUrls[0]) throw new Error('an HttpClient needs a base URL');
    this.baseUrl = this.baseUrls[0];
  }

  async request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<HttpResult<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | Buffer | undefined;
    if (options.json !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.raw !== undefined) {
      body = options.raw;
    }
    const baseUrl = this.baseUrls[this.turn++ % this.baseUrls.length] as string;
    const res = await fetch(baseUrl + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get = <T = any>(path: string, options?: RequestOptions) => this.request<T>('GET', path, options);
  post = <T = any>(path: string, options?: RequestOptions) => this.request<T>('POST', path, options);
  put = <T = any>(path: string, options?: RequestOptions) => this.request<T>('PUT', path, options);
  patch = <T = any>(path: string, options?: RequestOptions) => this.request<T>('PATCH', path, options);
  delete = <T = any>(path: string, options?: RequestOptions) => this.request<T>('DELETE', path, options);
}
