// The part of content-type 1's API the HTTP layer uses (the package ships no types).
declare module 'content-type' {
  import type { IncomingMessage } from 'node:http';

  interface ParsedMediaType {
    /** The media type, lower case (`application/json`). */
    type: string;
    /** Parameter names in lower case (`charset`), values as given. */
    parameters: Record<string, string | undefined>;
  }

  /** Throws a TypeError on a missing or malformed Content-Type. */
  export function parse(source: string | IncomingMessage | { headers: Record<string, unknown> }): ParsedMediaType;
}
