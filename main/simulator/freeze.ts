import { Server, type Socket } from "node:net";
import type { OPCUAServer } from "node-opcua";

/** The freeze fault of one running server. */
export interface Freezer {
  readonly frozen: boolean;
  /** Freezes or thaws; idempotent. */
  set(frozen: boolean): void;
  /** Thaws without forgetting the fault, so the server can shut down cleanly (stop() while frozen). */
  release(): void;
}

/**
 * The freeze fault: the server keeps listening, so the kernel still completes every TCP handshake,
 * but nothing reaches node-opcua any more, as with a frozen process or a black hole.
 *
 * - a connection accepted while frozen is parked: never read (node-opcua's listener uses
 *   pauseOnConnect, so its HEL stays in the socket buffer) and never answered; thawing destroys it
 *   (its client gave up long ago; a fresh connect works);
 * - a connection open before the freeze is paused (no request read) and corked (no answer written);
 *   thawing resumes it, so its session carries on and queued requests are answered late.
 *
 * node-opcua 2.157 keeps one `net.Server` per endpoint for its whole life (`OPCUAServerEndPoint._server`,
 * also across the endpoint restart after Part 12 ApplyChanges); this is the one place that reaches it.
 * The connection listeners node-opcua put on it are moved behind a switch.
 */
export function installFreezer(server: OPCUAServer): Freezer {
  let frozen = false;
  const live = new Set<Socket>();
  const parked = new Set<Socket>();
  const held = new Set<Socket>();

  for (const endpoint of server.endpoints) {
    const net: unknown = (endpoint as unknown as { _server?: unknown })._server;
    if (!(net instanceof Server)) throw new Error("node-opcua's endpoint has no net.Server (_server): the freeze fault cannot be installed on this version");
    const original = net.listeners("connection") as ((socket: Socket) => void)[];
    net.removeAllListeners("connection");
    net.on("connection", (socket: Socket) => {
      if (frozen) {
        parked.add(socket);
        socket.on("error", () => undefined);
        socket.once("close", () => parked.delete(socket));
        return;
      }
      live.add(socket);
      socket.once("close", () => {
        live.delete(socket);
        held.delete(socket);
      });
      for (const listener of original) listener.call(net, socket);
    });
  }

  const thaw = (): void => {
    for (const socket of held) {
      socket.uncork();
      socket.resume();
    }
    held.clear();
    for (const socket of parked) socket.destroy();
    parked.clear();
  };

  return {
    get frozen() {
      return frozen;
    },
    set(next: boolean): void {
      if (next === frozen) return;
      frozen = next;
      if (!next) return thaw();
      for (const socket of live) {
        if (socket.destroyed) continue;
        socket.pause();
        socket.cork();
        held.add(socket);
      }
    },
    release(): void {
      frozen = false;
      thaw();
    },
  };
}
