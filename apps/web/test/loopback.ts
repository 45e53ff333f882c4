/** A plain node:http server on loopback that hands each request to a route handler, as Next would (no Next). */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface Loopback {
  url: string;
  close(): Promise<void>;
}

export function serveHandler(handle: (request: Request, path: string) => Promise<Response>): Promise<Loopback> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
      const path = req.url ?? "/";
      const request = new Request(`http://127.0.0.1${path}`, { method: req.method ?? "GET", headers, body: Buffer.concat(chunks) });
      handle(request, path)
        .then(async (response) => {
          res.writeHead(response.status, { "content-type": response.headers.get("content-type") ?? "text/plain" });
          res.end(Buffer.from(await response.arrayBuffer()));
        })
        .catch(() => {
          res.writeHead(500);
          res.end();
        });
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}
