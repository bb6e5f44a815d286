import { AsyncLocalStorage } from "node:async_hooks";
import net, { type Socket } from "node:net";

/** What a controller said when it refused the connection: the status of its OPC UA TCP Error message. */
export interface ServerRefusal {
  readonly status: string;
  readonly reason: string;
}

/** What one connector call knows about its own connections. */
interface CallNetwork {
  readonly sockets: Set<Socket>;
  refusal: ServerRefusal | null;
}

const current = new AsyncLocalStorage<CallNetwork>();
let installed = false;

/**
 * Registers every client socket with the connector call that opened it (found through async
 * context: node-opcua opens it deep inside connect(), with `net.createConnection`). Two things follow:
 * - node-opcua bounds a client's disconnect but does not always destroy its socket: against a peer
 *   that accepted the connection and went silent (a frozen process, a TCP black hole) the socket of an
 *   unfinished handshake stays open and keeps the process alive long after the call timed out. The
 *   call destroys whatever is left when it ends.
 * - a controller that refuses the channel says why in an OPC UA TCP Error message (ERR: status code
 *   and reason), which node-opcua reports as "socket has been disconnected by third party". The call
 *   keeps it, so the technician is told the controller's own reason.
 * Sockets opened outside a connector call (the simulator, anything else) are not touched.
 */
export function trackClientSockets(statusName: (code: number) => string): void {
  if (installed) return;
  installed = true;
  const createConnection = net.createConnection.bind(net) as (...args: unknown[]) => Socket;
  (net as { createConnection: unknown }).createConnection = (...args: unknown[]): Socket => {
    const socket = createConnection(...args);
    const call = current.getStore();
    if (call) {
      call.sockets.add(socket);
      socket.prependListener("data", (chunk: Buffer) => {
        call.refusal ??= parseErrorMessage(chunk, statusName);
      });
    }
    return socket;
  };
}

/** Runs one connector call; every client socket it opened is destroyed when it ends, however it ends. */
export async function withOwnSockets<T>(work: () => Promise<T>): Promise<T> {
  const call: CallNetwork = { sockets: new Set(), refusal: null };
  try {
    return await current.run(call, work);
  } finally {
    for (const socket of call.sockets) if (!socket.destroyed) socket.destroy();
  }
}

/** The refusal the controller sent during this call, if it sent one. */
export function serverRefusal(): ServerRefusal | null {
  return current.getStore()?.refusal ?? null;
}

/** OPC UA Part 6 §7.1.2.5: "ERRF", message size, Error (UInt32 status code), Reason (String). */
export function parseErrorMessage(chunk: Buffer, statusName: (code: number) => string): ServerRefusal | null {
  if (chunk.length < 16 || chunk.toString("latin1", 0, 4) !== "ERRF") return null;
  const code = chunk.readUInt32LE(8);
  const length = chunk.readInt32LE(12);
  const reason = length > 0 ? chunk.toString("utf8", 16, Math.min(chunk.length, 16 + Math.min(length, 4096))) : "";
  return { status: statusName(code), reason };
}
