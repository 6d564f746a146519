/** A small fetch wrapper that speaks to a running app over real HTTP. */
export interface HttpResponse<T = any> {
  status: number;
  headers: Headers;
  text: string;
  body: T;
}

export interface RequestOptions {
  key?: string | null;
  headers?: Record<string, string>;
}

export class HttpClient {
  constructor(
    readonly baseUrl: string,
    private readonly defaultKey?: string,
  ) {}

  get<T = any>(path: string, options: RequestOptions = {}) {
    return this.request<T>('GET', path, undefined, options);
  }

  post<T = any>(path: string, body?: unknown, options: RequestOptions = {}) {
    return this.request<T>('POST', path, body, options);
  }

  put<T = any>(path: string, body?: unknown, options: RequestOptions = {}) {
    return this.request<T>('PUT', path, body, options);
  }

  patch<T = any>(path: string, body?: unknown, options: RequestOptions = {}) {
    return this.request<T>('PATCH', path, body, options);
  }

  delete<T = any>(path: string, options: RequestOptions = {}) {
    return this.request<T>('DELETE', path, undefined, options);
  }

  /** Sends a raw body with an explicit content type (for malformed-input tests). */
  raw<T = any>(
    method: string,
    path: string,
    body: string,
    contentType: string,
    options: RequestOptions = {},
  ) {
    return this.send<T>(method, path, body, {
      'content-type': contentType,
      ...this.authHeaders(options),
      ...options.headers,
    });
  }

  async request<T = any>(
    method: string,
    path: string,
    body: unknown,
    options: RequestOptions = {},
  ): Promise<HttpResponse<T>> {
    const headers: Record<string, string> = { ...this.authHeaders(options), ...options.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return this.send<T>(
      method,
      path,
      body === undefined ? undefined : JSON.stringify(body),
      headers,
    );
  }

  private authHeaders(options: RequestOptions): Record<string, string> {
    const key = options.key === undefined ? this.defaultKey : options.key;
    return key ? { 'x-api-key': key } : {};
  }

  private async send<T>(
    method: string,
    path: string,
    body: string | undefined,
    headers: Record<string, string>,
  ): Promise<HttpResponse<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: leave the text
    }
    return { status: response.status, headers: response.headers, text, body: parsed as T };
  }
}
