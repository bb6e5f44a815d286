import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ControllerPosture } from "../../shared/domain/posture";
import { createOpcUaConnector, type OpcUaConnector } from "../../main/connectors/opcua";
import { MessageSecurityMode, SecurityPolicy, sha256, startTestServer, type TestAccount, type TestServer } from "./connectorFixtures";
import { tempDir } from "../support/tempDir";

// A controller that sends hostile data: markup, control characters, a 100 KB name, 20,000 accounts.
const USER = { userName: "tech", password: "Tech-Password-2026" };
const SCRIPT = "<script>alert(1)</script>";
const HUGE = "N".repeat(100_000);

let dir: ReturnType<typeof tempDir>;
let connector: OpcUaConnector;
let server: TestServer;
let accounts: TestAccount[] = [];

beforeAll(async () => {
  dir = tempDir("fieldproof-connector-hostile-");
  connector = createOpcUaConnector({ pkiDir: join(dir.path, "pki"), timeoutMs: 10_000 });
  server = await startTestServer({
    pkiDir: join(dir.path, "server-pki"),
    securityPolicies: [SecurityPolicy.Basic256Sha256],
    securityModes: [MessageSecurityMode.SignAndEncrypt],
    users: { [USER.userName]: USER.password },
    accounts: () => accounts,
    productName: `PLC\u0000\u0008 ${SCRIPT} ${"x".repeat(5_000)}`,
  });
});

afterAll(async () => {
  await connector?.close();
  await server?.stop();
  dir?.cleanup();
});

describe("hostile strings and sizes", () => {
  it("cleans and truncates what the controller says, keeps 10,000 accounts and says what it dropped", async () => {
    accounts = [
      { userName: `evil\u0000\u001b[31m\u202eadmin`, description: `${SCRIPT}\r\nline two\u0007`, userConfiguration: 3 },
      { userName: HUGE, description: HUGE, userConfiguration: 15 },
      ...Array.from({ length: 20_000 }, (_, i) => ({ userName: `user${i}`, description: `account ${i}`, userConfiguration: 0 })),
    ];
    const posture = await connector.readPosture(server.url, USER, { expectedThumbprint: sha256(await server.certificate()) });
    expect(ControllerPosture.safeParse(posture).success).toBe(true);
    const list = posture.accounts!;
    expect(list).toHaveLength(10_000);
    expect(list[0]).toEqual({ userName: "evil[31madmin", description: `${SCRIPT} line two`, userConfiguration: 3, roles: [] });
    expect(list[1]!.userName).toHaveLength(500);
    expect(list[1]!.userName.endsWith("…")).toBe(true);
    expect(list[1]!.description).toHaveLength(2000);
    expect(list[9_999]!.userName).toBe("user9997");
    expect(posture.productName).toMatch(new RegExp(`^PLC ${SCRIPT.replace(/[()]/g, "\\$&")} x+…$`));
    expect(posture.productName).toHaveLength(500);
    expect(posture.gaps).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ stage: "accounts", code: "TRUNCATED", message: expect.stringContaining("listed 20002 accounts; the first 10000 are kept") }),
        expect.objectContaining({ stage: "accounts", code: "TEXT_TRUNCATED" }),
      ]),
    );
  });
});
