import { Classes, OverlaysProvider } from "@blueprintjs/core";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { AppStateContext, type AppState } from "./appState";
import { DeviceNameDialog } from "./components/DeviceNameDialog";
import { HelpDrawer } from "./components/HelpDrawer";
import { Sidebar } from "./components/Sidebar";
import { StatusBar } from "./components/StatusBar";
import { UnlockDialog } from "./components/UnlockDialog";
import { routeFromHash, ROUTES, type RouteId } from "./routes";
import { EvidenceScreen } from "./screens/EvidenceScreen";
import { IdentitiesScreen } from "./screens/IdentitiesScreen";
import { OwnersScreen } from "./screens/OwnersScreen";
import { PlantScreen } from "./screens/PlantScreen";
import { RotationsScreen } from "./screens/RotationsScreen";
import { SettingsScreen } from "./screens/SettingsScreen";
import { useAfterWrite, useApi, useWrite } from "./useApi";

const SCREENS: Record<RouteId, () => React.JSX.Element> = {
  plant: PlantScreen,
  identities: IdentitiesScreen,
  rotations: RotationsScreen,
  owners: OwnersScreen,
  evidence: EvidenceScreen,
  settings: SettingsScreen,
};

export function App(): React.JSX.Element {
  const [route, setRoute] = useState<RouteId>(() => routeFromHash(window.location.hash));
  const settings = useApi("settings.get", {});
  const info = useApi("system.info", {});
  const evidence = useApi("evidence.summary", {});
  // The automatic sync runs in main; its state is polled (cheap: held in memory there), faster while
  // a sync runs so "syncing n/total" counts up chunk by chunk.
  const [syncPollMs, setSyncPollMs] = useState(2000);
  const sync = useApi("sync.status", {}, { pollMs: syncPollMs });
  const syncing = sync.data?.state === "syncing";
  useEffect(() => setSyncPollMs(syncing ? 500 : 2000), [syncing]);
  // The network came back (cable in, Wi-Fi joined): ask the collector now, not at the next timer.
  // Not when the technician switched the automatic sync off (Settings › IT collector).
  const { run: syncNow } = useWrite("sync.now");
  const paused = useRef(false);
  paused.current = sync.data?.state === "paused";
  useEffect(() => {
    const online = (): void => {
      if (!paused.current) void syncNow({});
    };
    window.addEventListener("online", online);
    return () => window.removeEventListener("online", online);
  }, [syncNow]);
  const afterWrite = useAfterWrite();
  const lastSyncAt = sync.data?.lastSyncAt ?? null;
  useEffect(() => {
    // A sync applied IT's receipt (a signed record): the journal's counts and the Evidence screen reload.
    if (lastSyncAt) void afterWrite("sync.now");
  }, [lastSyncAt, afterWrite]);
  const device = evidence.data?.device;
  const needsPassphrase = device !== undefined && (device.state === "locked" || (device.state === "new" && device.protector === null));
  const theme = settings.data?.theme ?? "light";
  const [help, setHelp] = useState(false);
  const [nameLater, setNameLater] = useState(false);
  const askName = !needsPassphrase && device !== undefined && settings.data !== undefined && !settings.data.deviceNameChosen && !nameLater;

  const navigate = useCallback((next: RouteId) => {
    window.location.hash = `#/${next}`;
  }, []);

  useEffect(() => {
    const onHash = (): void => setRoute(routeFromHash(window.location.hash));
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);

  useEffect(() => {
    // Ctrl+1..6 jumps between screens: quicker than the mouse with gloves on.
    const onKey = (event: KeyboardEvent): void => {
      // F1: the app's own guide (in the preview's Chromium, not the browser's help page).
      if (event.key === "F1" && !event.ctrlKey && !event.altKey && !event.metaKey) {
        event.preventDefault();
        setHelp(true);
        return;
      }
      if (!event.ctrlKey || event.altKey || event.metaKey) return;
      const index = Number.parseInt(event.key, 10) - 1;
      const target = ROUTES[index];
      if (target) {
        event.preventDefault();
        navigate(target.id);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [navigate]);

  useEffect(() => {
    document.body.classList.toggle(Classes.DARK, theme === "dark");
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  useEffect(() => {
    const label = ROUTES.find((r) => r.id === route)?.label ?? "";
    document.title = `${label} · Fieldproof`;
    document.getElementById("main-heading")?.focus();
  }, [route]);

  const appState = useMemo<AppState>(
    () => ({ info: info.data, settings: settings.data, evidence: evidence.data }),
    [info.data, settings.data, evidence.data],
  );

  const Screen = SCREENS[route];
  return (
    <AppStateContext.Provider value={appState}>
    <OverlaysProvider>
      <div className="fp-shell">
        <a className="fp-skip" href="#main-heading">
          Skip to content
        </a>
        <Sidebar current={route} onNavigate={navigate} onHelp={() => setHelp(true)} />
        <main className="fp-main" aria-labelledby="main-heading">
          <Screen key={route} />
        </main>
        <StatusBar info={info.data} sync={sync.data} error={info.error} />
        {needsPassphrase && <UnlockDialog mode={device.state === "new" ? "new" : "locked"} />}
        {askName && <DeviceNameDialog settings={settings.data} fingerprint={device.fingerprint} onLater={() => setNameLater(true)} />}
        <HelpDrawer isOpen={help} route={route} onClose={() => setHelp(false)} />
      </div>
    </OverlaysProvider>
    </AppStateContext.Provider>
  );
}
