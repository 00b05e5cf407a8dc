import { Request, Response } from 'express';
import { LRUCache } from 'lru-cache';
import { gzipSync } from 'node:zlib';
import { entityTag } from './stateVersions';

interface EncodedResponse {
  version: string;
  etag: string;
  json: Buffer;
  gzip?: Buffer;
}

/**
 * Serialized and gzip-compressed bodies of responses that are known to be unchanged. The state
 * endpoint is polled by every open Blue/Green tab; while the watch cache reports no change, the
 * same answer is sent again without serializing or compressing it again, and a client that
 * already holds it (If-None-Match) gets a 304. The least recently sent go first.
 */
export class EncodedResponseCache {
  private readonly entries: LRUCache<string, EncodedResponse>;

  constructor(maxEntries: number) {
    this.entries = new LRUCache({ max: maxEntries });
  }

  /**
   * Sends `body`, reusing the encoding made for the same `key` and `version`; the caller promises
   * that the same key and version always come with the same body.
   */
  send(
    req: Request,
    res: Response,
    key: string,
    version: string,
    body: unknown,
  ) {
    let entry = this.entries.get(key);
    if (entry?.version !== version) {
      const json = Buffer.from(JSON.stringify(body));
      entry = { version, json, etag: entityTag(json) };
      this.entries.set(key, entry);
    }

    res.setHeader('ETag', entry.etag);
    res.setHeader('Vary', 'Accept-Encoding');
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    res.type('application/json');
    if (req.acceptsEncodings('gzip') === 'gzip') {
      entry.gzip ??= gzipSync(entry.json);
      // Already encoded: the backend's compression middleware leaves it alone.
      res.setHeader('Content-Encoding', 'gzip');
      res.send(entry.gzip);
    } else {
      res.send(entry.json);
    }
  }
}
