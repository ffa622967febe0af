/** A catalog served on 127.0.0.1 (an ephemeral port), counting the requests it answers. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CatalogServer {
  /** Base URL, without a trailing slash. */
  url: string;
  /** Request paths, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** Serves `files` (path -> body) with status 200; anything else is a 404. */
export async function serveCatalogs(files: Record<string, string>): Promise<CatalogServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const body = files[req.url ?? ''];
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/yaml' }).end(body);
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((done) => server.close(() => done())),
  };
}
