import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import type { OPCUACertificateManager } from "node-opcua";
import type { Opcua } from "./opcua";
import type { ControllerPaths } from "./state";
import type { SimControllerSpec } from "./types";

export interface ControllerPki {
  /** Own certificate and key, trusted/rejected client certificates (Part 12 DefaultApplicationGroup). */
  readonly server: OPCUACertificateManager;
  /** X509 user-token certificates (DefaultUserTokenGroup). */
  readonly user: OPCUACertificateManager;
  dispose(): Promise<void>;
}

/** Where node-opcua (server and push certificate management alike) reads the application certificate. */
export function certificateFile(paths: ControllerPaths): string {
  return join(paths.pki, "own", "certs", "certificate.pem");
}

/**
 * Opens the controller's own PKI folders inside the state folder (never node-opcua's shared default
 * under ~/.config). The first time, the key pair is generated (the slow part of a cold start) and a
 * self-signed certificate is made with the validity the plant build asks for; afterwards both are
 * reused as they are, including a certificate installed through Part 12.
 */
export async function openControllerPki({ ua }: Opcua, paths: ControllerPaths, spec: SimControllerSpec, siteName: string): Promise<ControllerPki> {
  // Any client certificate is accepted, like a controller in its factory "trust on first use" mode,
  // so a fresh laptop can connect without an operator trusting it on the panel first; except on a
  // strictClientTrust controller, which rejects it (into pki/rejected/) until it is trusted.
  const server = new ua.OPCUACertificateManager({ rootFolder: paths.pki, automaticallyAcceptUnknownCertificate: spec.security.trustUnknownClients });
  const user = new ua.OPCUACertificateManager({ rootFolder: paths.userPki });
  await server.initialize();
  await user.initialize();
  const file = certificateFile(paths);
  if (!existsSync(file)) {
    await server.createSelfSignedCertificate({
      applicationUri: spec.applicationUri,
      subject: `/CN=${spec.name}/O=${spec.vendor}/L=${siteName}`,
      dns: ["localhost", hostname()],
      ip: ["127.0.0.1"],
      startDate: new Date(),
      validity: spec.security.certificateValidityDays,
      outputFile: file,
    });
  }
  return {
    server,
    user,
    dispose: async () => {
      await Promise.allSettled([server.dispose(), user.dispose()]);
    },
  };
}

/** The application-certificate manager of a controller that is not running, for trust-list changes. */
export async function withServerCertificates<T>({ ua }: Opcua, paths: ControllerPaths, work: (manager: OPCUACertificateManager) => Promise<T>): Promise<T> {
  const manager = new ua.OPCUACertificateManager({ rootFolder: paths.pki, automaticallyAcceptUnknownCertificate: false });
  await manager.initialize();
  try {
    return await work(manager);
  } finally {
    await manager.dispose();
  }
}

/** Where node-opcua puts the client certificates it refused (PEM, named after subject and thumbprint). */
export function rejectedFolder(paths: ControllerPaths): string {
  return join(paths.pki, "rejected");
}

/** Where the trusted client certificates are (PEM or DER); a file copied in is picked up within about 10 s. */
export function trustedFolder(paths: ControllerPaths): string {
  return join(paths.pki, "trusted", "certs");
}

/** The certificates (DER) in a folder of PEM or DER files; a missing folder holds none. */
export async function certificatesIn(folder: string): Promise<Buffer[]> {
  const names = await readdir(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
  const out: Buffer[] = [];
  for (const name of names.sort()) {
    const file = join(folder, name);
    if (name.endsWith(".pem")) out.push(await readCertificateDer(file));
    else if (name.endsWith(".der")) out.push(await readFile(file));
  }
  return out;
}

/** The DER of the first certificate in a PEM file. */
export async function readCertificateDer(file: string): Promise<Buffer> {
  const pem = await readFile(file, "utf8");
  const match = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(pem);
  if (!match?.[1]) throw new Error(`${file} holds no certificate`);
  return Buffer.from(match[1].replace(/\s+/g, ""), "base64");
}

/** SHA-1 thumbprint, hex, as OPC UA tools display it. */
export function thumbprint(der: Buffer): string {
  return createHash("sha1").update(der).digest("hex");
}
