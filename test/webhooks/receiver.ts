import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** The check a receiver runs (README "Receiving webhooks"): HMAC-SHA256 of the raw body, compared in constant time. */
export function verifySignature(rawBody: string, header: string | undefined, secret: string): boolean {
  const expected = `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
  return header !== undefined && header.length === expected.length && timingSafeEqual(Buffer.from(header), Buffer.from(expected));
}

export interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  json: { id: string; type: string; occurredAt: string; data: { entityType: string; entityId: string; actor: string; before: unknown; after: unknown; sequence: number } };
  /** The status this receiver answered with. */
  status: number;
}

/** A webhook receiver on 127.0.0.1: records every request; `respond` decides each answer's status. */
export class Receiver {
  readonly requests: Received[] = [];
  respond: (request: { body: string; count: number }) => number = () => 200;
  /** How long each answer takes. */
  delayMs = 0;
  private server: http.Server | undefined;
  port = 0;

  async start(port = this.port): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const status = this.respond({ body, count: this.requests.length });
        this.requests.push({ headers: req.headers, body, json: JSON.parse(body) as Received['json'], status });
        setTimeout(() => res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'nope'), this.delayMs);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Requests answered 2xx, in arrival order. */
  get accepted(): Received[] {
    return this.requests.filter((r) => r.status < 300);
  }

  /** Waits until `done` holds (polling), or fails after `ms`. */
  async until(done: () => boolean, ms = 15_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out; received ${this.requests.length}: ${JSON.stringify(this.requests.map((r) => [r.json.type, r.status]))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
