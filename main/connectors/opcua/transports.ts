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

/**
 * The refusal in an ERR message. Two forms are met: the plain one of OPC UA Part 6 §7.1.2.5 ("ERRF",
 * size, Error status code, Reason string), and a secured one that node-opcua servers send when they
 * refuse an OpenSecureChannel: the asymmetric security header and sequence header of an OPN, then a
 * ServiceFault whose ResponseHeader carries the status and whose string table the reason.
 */
export function parseErrorMessage(chunk: Buffer, statusName: (code: number) => string): ServerRefusal | null {
  if (chunk.length < 16 || chunk.toString("latin1", 0, 4) !== "ERRF") return null;
  try {
    return plainError(chunk, statusName) ?? securedError(chunk, statusName);
  } catch {
    return null;
  }
}

const known = (name: string): boolean => /^(Bad|Uncertain)[A-Za-z0-9]+$/.test(name);

function plainError(chunk: Buffer, statusName: (code: number) => string): ServerRefusal | null {
  const status = statusName(chunk.readUInt32LE(8));
  if (!known(status)) return null;
  const length = chunk.readInt32LE(12);
  return { status, reason: length > 0 ? chunk.toString("utf8", 16, Math.min(chunk.length, 16 + Math.min(length, 4096))) : "" };
}

function securedError(chunk: Buffer, statusName: (code: number) => string): ServerRefusal | null {
  const reader = new Reader(chunk, 12); // after message type, size and secure channel id
  const policy = reader.string();
  if (!policy?.startsWith("http://opcfoundation.org/UA/SecurityPolicy#")) return null;
  reader.bytes(); // sender certificate
  reader.bytes(); // receiver certificate thumbprint
  reader.skip(8); // sequence number, request id
  reader.nodeId(); // the ServiceFault's encoding id
  reader.skip(12); // timestamp, request handle
  const status = statusName(reader.uint32());
  if (!known(status)) return null;
  const mask = reader.byte();
  const reasons: string[] = [];
  if (mask === 0) {
    const count = Math.min(reader.int32(), 8);
    for (let i = 0; i < count; i++) reasons.push(reader.string() ?? "");
  }
  return { status, reason: reasons.filter((r) => r && !r.startsWith(status)).join("; ") };
}

/** Bounds-checked little-endian reads (a bad offset throws, and the message is ignored). */
class Reader {
  constructor(
    private readonly buffer: Buffer,
    private offset: number,
  ) {}
  skip(n: number): void {
    if (this.offset + n > this.buffer.length) throw new RangeError("short");
    this.offset += n;
  }
  byte(): number {
    const value = this.buffer.readUInt8(this.offset);
    this.offset += 1;
    return value;
  }
  uint32(): number {
    const value = this.buffer.readUInt32LE(this.offset);
    this.offset += 4;
    return value;
  }
  int32(): number {
    const value = this.buffer.readInt32LE(this.offset);
    this.offset += 4;
    return value;
  }
  bytes(): Buffer | null {
    const length = this.int32();
    if (length < 0) return null;
    const start = this.offset;
    this.skip(length);
    return this.buffer.subarray(start, start + length);
  }
  string(): string | null {
    return this.bytes()?.toString("utf8") ?? null;
  }
  nodeId(): void {
    const encoding = this.byte() & 0x0f;
    if (encoding === 0) this.skip(1);
    else if (encoding === 1) this.skip(3);
    else if (encoding === 2) this.skip(6);
    else throw new RangeError("unexpected node id");
  }
}
