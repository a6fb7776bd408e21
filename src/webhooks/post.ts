import { createHmac } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { hostOf, isPrivateAddress } from './address';

/** Response body bytes kept in the delivery log. */
export const RESPONSE_CAP_BYTES = 4096;

export interface PostOutcome {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  response: string | null;
}

/** `sha256=<hex HMAC-SHA256 of the raw body>`, as X-Registry-Signature carries it. */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

class Refused extends Error {}

function resolve(host: string, timeoutMs: number): Promise<LookupAddress[]> {
  const family = isIP(host);
  if (family) return Promise.resolve([{ address: host, family }]);
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`resolving ${host} timed out`)), timeoutMs);
    dnsLookup(host, { all: true, verbatim: true }, (error, addresses) => {
      clearTimeout(timer);
      if (error) fail(new Error(`cannot resolve ${host}: ${error.code ?? error.message}`));
      else done(addresses);
    });
  });
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * POSTs `body` once: the host is resolved once, every address checked (unless private targets are allowed),
 * and the connection made to the checked address (a `lookup` that answers only it, so a second resolution
 * cannot swap it). No redirect is followed; the whole attempt is bounded by `timeoutMs`; at most
 * RESPONSE_CAP_BYTES of the answer are kept.
 */
export async function postOnce(target: string, body: string, headers: Record<string, string>,
  options: { timeoutMs: number; allowPrivate: boolean; signal: AbortSignal }): Promise<PostOutcome> {
  const started = Date.now();
  const elapsed = () => Date.now() - started;
  const failed = (error: string, statusCode: number | null = null, response: string | null = null): PostOutcome =>
    ({ ok: false, statusCode, error: error.slice(0, 1000), durationMs: elapsed(), response });
  try {
    const url = new URL(target);
    const host = hostOf(url);
    const addresses = await resolve(host, options.timeoutMs);
    const bad = options.allowPrivate ? undefined : addresses.find((a) => isPrivateAddress(a.address));
    if (bad) throw new Refused(`refused: ${host} resolves to the private address ${bad.address}`);
    const pinned = addresses[0];
    const lookup = (_host: string, opts: { all?: boolean }, callback: LookupCallback) => {
      if (opts.all) callback(null, [pinned]);
      else callback(null, pinned.address, pinned.family);
    };
    const remaining = Math.max(1, options.timeoutMs - elapsed());
    return await new Promise<PostOutcome>((done) => {
      const request = (url.protocol === 'https:' ? https : http).request(url, {
        method: 'POST', agent: false, lookup, signal: options.signal,
        headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
      });
      const timer = setTimeout(() => request.destroy(new Error(`timed out after ${options.timeoutMs} ms`)), remaining);
      const finish = (outcome: PostOutcome) => {
        clearTimeout(timer);
        done(outcome);
      };
      request.on('error', (error) => finish(failed(error.message)));
      request.on('response', (response) => {
        const status = response.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let kept = 0;
        const settle = () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (status >= 200 && status < 300) finish({ ok: true, statusCode: status, error: null, durationMs: elapsed(), response: text });
          else finish(failed(status >= 300 && status < 400 ? `redirect ${status} not followed` : `status ${status}`, status, text));
        };
        response.on('data', (chunk: Buffer) => {
          if (kept >= RESPONSE_CAP_BYTES) return;
          chunks.push(chunk.subarray(0, RESPONSE_CAP_BYTES - kept));
          kept += Math.min(chunk.length, RESPONSE_CAP_BYTES - kept);
          if (kept >= RESPONSE_CAP_BYTES) {
            response.destroy();
            settle();
          }
        });
        response.on('end', settle);
        response.on('error', () => settle());
      });
      request.end(body);
    });
  } catch (error) {
    return failed(error instanceof Error ? error.message : String(error));
  }
}
