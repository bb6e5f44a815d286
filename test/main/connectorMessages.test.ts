import { describe, expect, it } from "vitest";
import { classify, explainStatus } from "../../main/connectors/opcua/errors";

const base = { url: "opc.tcp://plc:4840", stage: "discover" as const, action: "connecting", timeoutMs: 500, secrets: [] };

describe("node-opcua's words never reach a technician unexplained", () => {
  it("says what a peer that closes or cuts the connection did, and what to do, without the library's text", () => {
    expect(classify(new Error("The connection may have been rejected by server,\nErr = (ERROR in waiting for data on socket ( timeout was = 5000 ms) hadErrortrue)"), base).message).toBe(
      "Cannot connect to opc.tcp://plc:4840: something accepted the connection but closed it without answering as an OPC UA server. Check the address and port (is this the controller's OPC UA port, not another service?); if it is, the controller or a firewall may refuse this laptop's address.",
    );
    expect(classify(new Error("The connection may have been rejected by server, Err = (ClientTCP_transport5: socket has been disconnected by third party)"), base).message).toBe(
      "The connection to opc.tcp://plc:4840 was cut while connecting: the controller (or a firewall between) closed it. Try again; if it keeps happening, check the network cable and switch, and the controller's session and connection limits.",
    );
  });

  it("explains a status code instead of printing it bare", () => {
    expect(classify(new Error("Error BadNodeIdUnknown (0x80340000)"), { ...base, stage: "read", action: "reading the server status" }).message).toBe(
      "opc.tcp://plc:4840 answered with BadNodeIdUnknown while reading the server status: the controller does not have the node Fieldproof asked for (often a feature its firmware lacks).",
    );
    expect(explainStatus("BadSomethingNew")).toBe("an OPC UA error code Fieldproof has no plain explanation for. Try again; if it keeps happening, look the code up in the controller's manual or diagnostics.");
  });

  it("labels text it cannot name as the library's, with what to do", () => {
    expect(classify(new Error("weird internal thing"), base).message).toBe(
      'Failed while connecting on opc.tcp://plc:4840, for a reason Fieldproof cannot name (the OPC UA library said: "weird internal thing"). Try again; if it keeps failing, check the controller\'s own diagnostics and send logs/opcua.log from the data folder to support.',
    );
  });
});
