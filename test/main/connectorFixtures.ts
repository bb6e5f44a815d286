import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer, type AddressInfo, type Server, type Socket, connect } from "node:net";
import { join } from "node:path";
import {
  DataType,
  MessageSecurityMode,
  MethodIds,
  OPCUACertificateManager,
  OPCUAServer,
  SecurityPolicy,
  StatusCodes,
  VariableIds,
  Variant,
  VariantArrayType,
  nodesets,
  resolveNodeId,
  DataTypeIds,
  makeRoles,
  type StatusCode,
  type UAVariable,
} from "node-opcua";

// Purpose-built servers and sockets for the connector's tests: the cases the demo plant cannot produce.

export interface TestAccount {
  readonly userName: string;
  readonly description: string;
  readonly userConfiguration: number;
}

export interface TestServerOptions {
  readonly pkiDir: string;
  readonly securityPolicies: readonly SecurityPolicy[];
  readonly securityModes: readonly MessageSecurityMode[];
  readonly users: Readonly<Record<string, string>>;
  /** Served as Part 18 Users to anyone (no role checks), however hostile. */
  readonly accounts?: () => readonly TestAccount[];
  /** ChangePassword answers this status without checking anything. */
  readonly changePasswordStatus?: StatusCode;
  /** BuildInfo.ProductName, however hostile. */
  readonly productName?: string;
  /** Accept any client certificate (default), or reject the unknown ones like a locked-down controller. */
  readonly trustClients?: boolean;
}

export interface TestServer {
  readonly url: string;
  readonly server: OPCUAServer;
  /** Every user name isValidUser was asked about: proof of whether a password reached the server. */
  readonly loginAttempts: string[];
  /** CreateSession requests the server answered. */
  readonly sessionsCreated: () => number;
  certificate(): Promise<Buffer>;
  stop(): Promise<void>;
}

export async function startTestServer(options: TestServerOptions): Promise<TestServer> {
  const manager = new OPCUACertificateManager({ rootFolder: options.pkiDir, automaticallyAcceptUnknownCertificate: options.trustClients !== false });
  await manager.initialize();
  const loginAttempts: string[] = [];
  let created = 0;
  const server = new OPCUAServer({
    port: 0,
    host: "127.0.0.1",
    hostname: "127.0.0.1",
    nodeset_filename: [nodesets.standard],
    serverCertificateManager: manager,
    userCertificateManager: manager,
    securityPolicies: [...options.securityPolicies],
    securityModes: [...options.securityModes],
    allowAnonymous: false,
    isAuditing: false,
    ...(options.productName === undefined ? {} : { buildInfo: { productName: options.productName } }),
    userManager: {
      isValidUser: (userName: string, password: string) => {
        loginAttempts.push(userName);
        return options.users[userName] === password;
      },
      // Everyone who logs in here is a SecurityAdmin, so every read is allowed and the data is what is tested.
      getUserRoles: () => makeRoles("AuthenticatedUser;SecurityAdmin"),
    },
  });
  await server.initialize();
  const addressSpace = server.engine.addressSpace!;
  if (options.accounts) {
    const accounts = options.accounts;
    const type = resolveNodeId(DataTypeIds.UserManagementDataType);
    (addressSpace.findNode(VariableIds.UserManagement_Users) as UAVariable).bindVariable(
      {
        get: () =>
          new Variant({
            dataType: DataType.ExtensionObject,
            arrayType: VariantArrayType.Array,
            value: accounts().map((account) => addressSpace.constructExtensionObject(type, { ...account })),
          }),
      },
      true,
    );
  }
  const status = options.changePasswordStatus;
  // node-opcua tells an async handler from a callback one by its declared parameter count.
  if (status) addressSpace.findMethod(MethodIds.UserManagement_ChangePassword)!.bindMethod(async (_args: unknown, _context: unknown) => ({ statusCode: status }));
  server.on("create_session", () => {
    created += 1;
  });
  await server.start();
  return {
    url: `opc.tcp://127.0.0.1:${server.endpoints[0]!.port}`,
    server,
    loginAttempts,
    sessionsCreated: () => created,
    certificate: async () => pemToDer(await readFile(server.certificateFile, "utf8")),
    stop: async () => {
      await server.shutdown(0);
      await manager.dispose();
    },
  };
}

/** A self-signed certificate with its own key pair, unrelated to any server here. */
export async function foreignCertificate(folder: string): Promise<Buffer> {
  const manager = new OPCUACertificateManager({ rootFolder: folder });
  await manager.initialize();
  const file = join(folder, "own", "certs", "foreign.pem");
  await manager.createSelfSignedCertificate({ applicationUri: "urn:impostor", subject: "/CN=Impostor", dns: ["localhost"], startDate: new Date(), validity: 30, outputFile: file });
  await manager.dispose();
  return pemToDer(await readFile(file, "utf8"));
}

export function pemToDer(pem: string): Buffer {
  const body = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(pem)?.[1];
  if (!body) throw new Error("no certificate in PEM");
  return Buffer.from(body.replace(/\s+/g, ""), "base64");
}

export const sha256 = (der: Buffer): string => createHash("sha256").update(der).digest("hex");

/** Makes the server list `certificate` in GetEndpoints while its channels keep using its own. */
export function listCertificate(server: OPCUAServer, certificate: Buffer): () => void {
  const descriptions = server.endpoints.flatMap((endpoint) => endpoint.endpointDescriptions());
  const before = descriptions.map((description) => description.serverCertificate);
  for (const description of descriptions) description.serverCertificate = certificate;
  return () => descriptions.forEach((description, i) => (description.serverCertificate = before[i]!));
}

/** Makes CreateSession answer with `certificate` instead of the channel's. */
export function answerSessionsWith(server: OPCUAServer, certificate: Buffer): () => void {
  const target = server as unknown as { getCertificateChain(): Buffer };
  const original = target.getCertificateChain;
  target.getCertificateChain = () => certificate;
  return () => {
    target.getCertificateChain = original;
  };
}

export interface SocketServer {
  readonly url: string;
  readonly port: number;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

async function listen(server: Server, sockets: Set<Socket>): Promise<SocketServer> {
  let count = 0;
  server.on("connection", (socket) => {
    count += 1;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `opc.tcp://127.0.0.1:${port}`,
    port,
    connections: () => count,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Accepts TCP connections and never says a word. */
export function blackHole(): Promise<SocketServer> {
  return listen(createServer(), new Set());
}

/**
 * Forwards to `targetPort` and, on its `cutConnection`-th connection (1-based), lets `keepMessages`
 * service responses (MSG chunks) through, then sends half of the next one and resets the connection:
 * a controller that drops mid-answer.
 */
export function cuttingProxy(targetPort: number, cutConnection: number, keepMessages: number): Promise<SocketServer> {
  const sockets = new Set<Socket>();
  let seen = 0;
  const server = createServer((client) => {
    seen += 1;
    const cutThis = seen === cutConnection;
    const upstream = connect(targetPort, "127.0.0.1");
    sockets.add(upstream);
    let messages = 0;
    upstream.on("data", (chunk: Buffer) => {
      if (cutThis && chunk.subarray(0, 3).toString() === "MSG" && ++messages > keepMessages) {
        client.write(chunk.subarray(0, chunk.length >> 1));
        client.resetAndDestroy();
        upstream.destroy();
        return;
      }
      client.write(chunk);
    });
    client.on("data", (chunk: Buffer) => upstream.write(chunk));
    client.on("close", () => upstream.destroy());
    client.on("error", () => undefined);
    upstream.on("close", () => client.destroy());
    upstream.on("error", () => undefined);
  });
  return listen(server, sockets);
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export { MessageSecurityMode, SecurityPolicy, StatusCodes };
