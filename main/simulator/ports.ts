import { createServer } from "node:net";

/**
 * A port that is free on `host` right now. The simulator picks it once, writes it to the state
 * folder and reuses it on every start, because node-opcua 2.157 writes the port it was given into
 * its endpoint descriptions (port 0 would be advertised as :0).
 */
export function freePort(host: string, taken: ReadonlySet<number> = new Set()): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once("error", reject);
    probe.listen({ port: 0, host, exclusive: true }, () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => {
        if (port === 0) reject(new Error(`could not get a free port on ${host}`));
        else if (taken.has(port)) freePort(host, taken).then(resolve, reject);
        else resolve(port);
      });
    });
  });
}
