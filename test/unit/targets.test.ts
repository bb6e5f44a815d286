import { describe, expect, it } from "vitest";
import { controllerIdForUrl, expandTargets } from "../../shared/domain/targets";

describe("scan targets", () => {
  it("expands hosts, ranges and URLs with every port", () => {
    const result = expandTargets(["10.0.0.8-10", "plc-7.line2.local", "opc.tcp://127.0.0.1:4841/UA"], [4840, 4841]);
    expect(result).toEqual({
      ok: true,
      urls: [
        "opc.tcp://10.0.0.8:4840",
        "opc.tcp://10.0.0.8:4841",
        "opc.tcp://10.0.0.9:4840",
        "opc.tcp://10.0.0.9:4841",
        "opc.tcp://10.0.0.10:4840",
        "opc.tcp://10.0.0.10:4841",
        "opc.tcp://plc-7.line2.local:4840",
        "opc.tcp://plc-7.line2.local:4841",
        "opc.tcp://127.0.0.1:4841/UA",
      ],
    });
  });

  it("explains what is wrong with bad entries", () => {
    expect(expandTargets(["10.0.0.300"])).toEqual({ ok: false, error: '"10.0.0.300" is not an IPv4 address or range' });
    expect(expandTargets(["10.0.0.20-10"])).toMatchObject({ ok: false, error: expect.stringMatching(/ends before it starts/) });
    expect(expandTargets(["http://plc"])).toMatchObject({ ok: false, error: expect.stringMatching(/not a host name/) });
    expect(expandTargets(["opc.tcp://a b:4840"])).toMatchObject({ ok: false, error: expect.stringMatching(/not an OPC UA endpoint URL/) });
    expect(expandTargets(["plc"], [0])).toMatchObject({ ok: false, error: expect.stringMatching(/port 0/) });
    expect(expandTargets(["10.0.0.0-255"], Array.from({ length: 20 }, (_, i) => 4840 + i))).toMatchObject({ ok: false, error: expect.stringMatching(/narrow the range/) });
  });

  it("drops duplicates and blank lines", () => {
    expect(expandTargets(["plc", " ", "plc"])).toEqual({ ok: true, urls: ["opc.tcp://plc:4840"] });
  });

  it("derives readable, stable ids for endpoints outside a plant file", () => {
    expect(controllerIdForUrl("opc.tcp://10.0.0.8:4840")).toBe("ep-10-0-0-8-4840");
    expect(controllerIdForUrl("opc.tcp://PLC-7.local:4840/UA/Server")).toBe("ep-plc-7-local-4840-ua-server");
  });
});
