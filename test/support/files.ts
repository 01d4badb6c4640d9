import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import type { HttpClient, HttpResult } from './http-client.ts';

/** A minimal well-formed PNG header (signature + IHDR) followed by noise. */
/**
 * A PNG header followed by noise. The noise holds no '<': random bytes would otherwise spell an HTML
 * tag now and then ("<b>", "<p "), and the sniffer rightly refuses the image type to such a polyglot.
 */
export const pngBytes = (extra = 2000) => Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d4948445200000010000000100806000000', 'hex'), noiseWithoutMarkup(extra)]);

export function noiseWithoutMarkup(length: number): Buffer {
  const noise = randomBytes(length);
  for (let i = 0; i < noise.length; i++) if (noise[i] === 0x3c) noise[i] = 0x3d;
  return noise;
}
export const sha256Hex = (data: Buffer) => createHash('sha256').update(data).digest('hex');

export interface FormPart {
  field: string;
  filename?: string;
  contentType?: string;
  data: Buffer | string;
}

/** A multipart/form-data body built by hand, so tests can send what no browser would. */
export function multipart(parts: FormPart[], options: { close?: boolean } = {}): { body: Buffer; contentType: string } {
  const boundary = `----wetty${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const filename = part.filename === undefined ? '' : `; filename="${part.filename}"`;
    const type = part.contentType ? `\r\nContent-Type: ${part.contentType}` : '';
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.field}"${filename}${type}\r\n\r\n`), Buffer.from(part.data), Buffer.from('\r\n'));
  }
  if (options.close !== false) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

export function uploadRaw(http: HttpClient, data: Buffer, options: { token?: string; name?: string; headers?: Record<string, string> } = {}): Promise<HttpResult> {
  const query = options.name === undefined ? '' : `?name=${encodeURIComponent(options.name)}`;
  return http.post(`/fserv/upload${query}`, { token: options.token, raw: data, headers: { 'content-type': 'application/octet-stream', ...options.headers } });
}

export function uploadForm(http: HttpClient, parts: FormPart[], options: { token?: string; query?: string; headers?: Record<string, string> } = {}): Promise<HttpResult> {
  const { body, contentType } = multipart(parts);
  return http.post(`/fserv/upload${options.query ?? ''}`, { token: options.token, raw: body, headers: { 'content-type': contentType, ...options.headers } });
}

/** The status line of the answer to bytes written straight to the socket (for requests fetch cannot make). */
export function rawExchange(baseUrl: string, request: string | Buffer): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    // Not end(): a half-closed socket makes the server drop the request before answering.
    const socket = net.connect(Number(port), hostname, () => socket.write(request));
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text }));
  });
}

/** Opens a socket, sends the request head and part of the body, and hands back the socket to cut. */
export function startUpload(baseUrl: string, head: string, firstBytes: Buffer): Promise<net.Socket> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => {
      socket.write(head);
      socket.write(firstBytes, () => resolve(socket));
    });
    socket.on('error', reject);
  });
}

/** The name a Content-Disposition header gives in `filename*` (RFC 8187), decoded. */
export function dispositionName(header: string | null): string | undefined {
  const encoded = /filename\*=UTF-8''([^;]+)/.exec(header ?? '')?.[1];
  return encoded === undefined ? undefined : decodeURIComponent(encoded);
}
