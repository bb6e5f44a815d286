import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AppError } from "../../shared/domain/errors";
import { createServices, type Services } from "../../main/services";
import { createDispatcher, createHandlers, type Dispatch, type Handlers } from "../../main/ipc";
import { tempDir } from "../support/tempDir";

const ORIGIN = "app://fieldproof";
const APP = { url: `${ORIGIN}/index.html`, isMainFrame: true };

describe("dispatcher (the one way into main)", () => {
  let dir: ReturnType<typeof tempDir>;
  let services: Services;
  let dispatch: Dispatch;

  beforeEach(() => {
    dir = tempDir();
    services = createServices({ dataDir: dir.path, runtime: "test", hostname: "bay-laptop-07" });
    dispatch = createDispatcher(createHandlers(services), { trustedOrigin: ORIGIN });
  });
  afterEach(async () => {
    await services.close();
    dir.cleanup();
  });

  it("answers a valid request with a value", async () => {
    const result = await dispatch("system.info", {}, APP);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value).toMatchObject({ deviceName: "bay-laptop-07", runtime: "test" });
  });

  it("returns an invalid payload as an error value that names the bad field", async () => {
    const result = await dispatch("settings.update", { deviceName: "" }, APP);
    expect(result).toEqual({ ok: false, error: { code: "INVALID_REQUEST", message: expect.stringContaining("deviceName") } });
    const wrongType = await dispatch("settings.update", { theme: "sepia" }, APP);
    expect(wrongType.ok).toBe(false);
    if (!wrongType.ok) expect(wrongType.error.message).toMatch(/theme/);
  });

  it("names an unexpected field instead of ignoring it", async () => {
    const result = await dispatch("settings.update", { theme: "dark", password: "x" }, APP);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(/unexpected field password/);
    expect((await services.settings.get()).theme).toBe("light");
  });

  it("refuses unknown channels, including prototype names", async () => {
    for (const channel of ["system.nope", "__proto__", "constructor", 7]) {
      const result = await dispatch(channel, {}, APP);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe("UNKNOWN_CHANNEL");
    }
  });

  it("refuses a sender that is not the app's main frame", async () => {
    for (const sender of [
      { url: "https://evil.example/index.html", isMainFrame: true },
      { url: `${ORIGIN}/index.html`, isMainFrame: false },
      { url: "file:///etc/passwd", isMainFrame: true },
      { url: "not a url", isMainFrame: true },
    ]) {
      const result = await dispatch("system.info", {}, sender);
      expect(result).toMatchObject({ ok: false, error: { code: "FORBIDDEN_SENDER" } });
    }
  });

  it("turns a thrown AppError into its code and message, and other errors into INTERNAL", async () => {
    const base = createHandlers(services);
    const failing: Handlers = {
      ...base,
      "system.info": () => Promise.reject(new AppError("LOCKED", "The device key is locked.")),
      "settings.get": () => Promise.reject(new Error("disk on fire")),
    };
    const d = createDispatcher(failing, { trustedOrigin: ORIGIN, onInternalError: () => undefined });
    expect(await d("system.info", {}, APP)).toEqual({ ok: false, error: { code: "LOCKED", message: "The device key is locked." } });
    expect(await d("settings.get", {}, APP)).toMatchObject({ ok: false, error: { code: "INTERNAL", message: expect.stringContaining("disk on fire") } });
  });

  it("strips fields a handler returns that the contract does not declare", async () => {
    const base = createHandlers(services);
    const leaky: Handlers = {
      ...base,
      "settings.get": async () => ({ theme: "dark", deviceName: "x", deviceNameChosen: true, suggestedDeviceName: "x-1a2b", dualControl: "always", sharedScope: "per-line", collectorUrl: null, syncAutomatically: true, secretKey: "hunter2" }) as never,
    };
    const d = createDispatcher(leaky, { trustedOrigin: ORIGIN });
    const result = await d("settings.get", {}, APP);
    expect(result).toEqual({ ok: true, value: { theme: "dark", deviceName: "x", deviceNameChosen: true, suggestedDeviceName: "x-1a2b", dualControl: "always", sharedScope: "per-line", collectorUrl: null, syncAutomatically: true } });
  });

  it("rejects a handler answer that breaks the contract", async () => {
    const broken: Handlers = { ...createHandlers(services), "settings.get": async () => ({ theme: 3 }) as never };
    const d = createDispatcher(broken, { trustedOrigin: ORIGIN, onInternalError: () => undefined });
    expect(await d("settings.get", {}, APP)).toMatchObject({ ok: false, error: { code: "INTERNAL" } });
  });
});
