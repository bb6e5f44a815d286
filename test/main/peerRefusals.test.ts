import { createHash, X509Certificate } from "node:crypto";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBinAsync } from "../support/cli";
import { tempDir } from "../support/tempDir";

const ENV = { FIELDPROOF_PASSPHRASE: "peer refusal passphrase" };
const BAD_CERTIFICATE_UNTRUSTED = 0x801a0000;
const BAD_SECURITY_POLICY_REJECTED = 0x80550000;

/**
 * A peer that acknowledges the Hello and answers the OpenSecureChannel with an OPC UA TCP Error
 * message (ERR), the way a controller refuses a client it does not trust. No reason text, which is
 * also what makes node-opcua log "Error message not specified".
 */
async function refusingPeer(status: number): Promise<{ server: Server; url: string }> {
  const server = createServer((socket) => {
    let messages = 0;
    socket.on("data", () => {
      messages += 1;
      if (messages === 1) {
        const ack = Buffer.alloc(28);
        ack.write("ACKF", 0, "ascii");
        ack.writeUInt32LE(28, 4);
        ack.writeUInt32LE(65_535, 12);
        ack.writeUInt32LE(65_535, 16);
        socket.write(ack);
        return;
      }
      const err = Buffer.alloc(16);
      err.write("ERRF", 0, "ascii");
      err.writeUInt32LE(16, 4);
      err.writeUInt32LE(status, 8);
      err.writeInt32LE(-1, 12);
      socket.end(err);
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { server, url: `opc.tcp://127.0.0.1:${(server.address() as { port: number }).port}` };
}

interface Outcome {
  readonly status: string;
  readonly message: string;
}

describe("a controller's own refusal reaches the technician, and nothing but JSON reaches stdout", () => {
  let dir: ReturnType<typeof tempDir>;
  let untrusting: Awaited<ReturnType<typeof refusingPeer>>;
  let policy: Awaited<ReturnType<typeof refusingPeer>>;

  beforeAll(async () => {
    dir = tempDir("fieldproof-refusal-");
    untrusting = await refusingPeer(BAD_CERTIFICATE_UNTRUSTED);
    policy = await refusingPeer(BAD_SECURITY_POLICY_REJECTED);
  });
  afterAll(() => {
    untrusting.server.close();
    policy.server.close();
    dir.cleanup();
  });

  it("says the controller does not trust Fieldproof's certificate, names it, and fails the command", async () => {
    const dataDir = join(dir.path, "laptop-a");
    const run = await runBinAsync(["--data-dir", dataDir, "scan", untrusting.url, "--timeout", "5000", "--json"], ENV, 60_000);
    // Before the fix node-opcua printed its own log line on stdout, ahead of the JSON.
    const outcomes = JSON.parse(run.stdout) as Outcome[];
    expect(outcomes).toHaveLength(1);
    const [outcome] = outcomes;
    expect(outcome!.status).toBe("access-denied");
    expect(outcome!.message).toContain(`${untrusting.url} does not trust Fieldproof's certificate yet (BadCertificateUntrusted). Nothing was sent.`);
    const pem = join(dataDir, "pki", "own", "certs", "client_certificate.pem");
    const thumbprint = createHash("sha256").update(new X509Certificate(readFileSync(pem)).raw).digest("hex");
    expect(outcome!.message).toContain(`SHA-256 thumbprint ${thumbprint}, file ${pem}`);
    expect(run.code).toBe(1);
    // The certificate to carry to the controller's tool: the very one named in the message.
    const der = join(dir.path, "laptop.der");
    const info = await runBinAsync(["--data-dir", dataDir, "info", "--client-certificate", der], ENV, 60_000);
    expect(info.code).toBe(0);
    expect(info.stdout).toContain(`SHA-256 ${thumbprint}`);
    expect(createHash("sha256").update(readFileSync(der)).digest("hex")).toBe(thumbprint);
    // node-opcua's own line went to the log file instead.
    expect(readFileSync(join(dataDir, "logs", "opcua.log"), "utf8")).toMatch(/Error message not specified/);
  });

  it("says the controller refused the security policy, not that it is unreachable", async () => {
    const run = await runBinAsync(["--data-dir", join(dir.path, "laptop-b"), "scan", policy.url, "--timeout", "5000", "--json"], ENV, 60_000);
    const [outcome] = JSON.parse(run.stdout) as Outcome[];
    expect(outcome!.status).toBe("error");
    expect(outcome!.message).toContain("refused the security Fieldproof asked for (BadSecurityPolicyRejected). Nothing was sent.");
    expect(outcome!.message).not.toMatch(/unreachable|check the network/i);
    expect(run.code).toBe(1);
  });
});
