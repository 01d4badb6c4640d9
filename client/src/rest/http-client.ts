import { WettyError } from '../errors.ts';

export interface RawRequest {
  method: string;
  path: string;
  query?: Record<string, unknown> | undefined;
  body?: unknown;
  token?: string | undefined;
  signal?: AbortSignal | undefined;
}

export interface RawResponse<T = unknown> {
  status: number;
  body: T;
}

/** Builds `path?query` from a path template with `{name}` params. */
export function buildPath(template: string, params: Record<string, unknown> | undefined, query: Record<string, unknown> | undefined): string {
  const path = template.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined || value === null) throw new WettyError(0, 'invalid_input', `missing path parameter ${name}`);
    return encodeURIComponent(String(value));
  });
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined && value !== null) search.set(key, String(value));
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

/** The api's error body (or a plain-text/empty one) as a WettyError. */
export async function errorFrom(response: Response): Promise<WettyError> {
  const text = await response.text().catch(() => '');
  let code = `http_${response.status}`;
  let message = response.statusText || `HTTP ${response.status}`;
  let details: { field?: string; message?: string }[] | undefined;
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
    if (typeof parsed.error?.code === 'string') code = parsed.error.code;
    if (typeof parsed.error?.message === 'string') message = parsed.error.message;
    if (Array.isArray(parsed.error?.details)) details = parsed.error.details as { field?: string; message?: string }[];
  } catch {
    // not JSON: keep the status-derived code
  }
  const retry = Number(response.headers.get('retry-after'));
  return new WettyError(response.status, code, message, details, Number.isFinite(retry) && retry >= 0 && response.headers.has('retry-after') ? retry : undefined);
}

/** JSON over fetch, with a timeout, mapping every failure to a WettyError. */
export class HttpClient {
  constructor(
    readonly baseUrl: string,
    private readonly fetchImpl: typeof fetch,
    private readonly timeoutMs: number,
  ) {}

  url(pathAndQuery: string): string {
    return this.baseUrl.replace(/\/+$/, '') + pathAndQuery;
  }

  async send<T>(request: RawRequest): Promise<RawResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (request.token) headers.authorization = `Bearer ${request.token}`;
    let body: string | undefined;
    if (request.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.body);
    }
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    let response: Response;
    try {
      response = await this.fetchImpl(this.url(buildPath(request.path, undefined, request.query)), { method: request.method, headers, body, signal });
    } catch (error) {
      if (request.signal?.aborted) throw new WettyError(0, 'aborted', 'The request was aborted');
      if (timeout.aborted) throw new WettyError(0, 'timeout', `No answer within ${this.timeoutMs} ms`);
      throw new WettyError(0, 'network_error', error instanceof Error ? error.message : 'Network error');
    }
    if (!response.ok) throw await errorFrom(response);
    if (response.status === 204) return { status: 204, body: undefined as T };
    const text = await response.text().catch(() => {
      throw new WettyError(0, 'network_error', 'The answer was cut off');
    });
    if (text === '') return { status: response.status, body: undefined as T };
    try {
      return { status: response.status, body: JSON.parse(text) as T };
    } catch {
      throw new WettyError(response.status, 'invalid_response', 'The answer is not JSON');
    }
  }
}
