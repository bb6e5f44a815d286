import { app, session, type WebContents } from "electron";
import { isAppUrl } from "../ipc/navigation";

/**
 * Electron security checklist: no navigation away from the app, no new windows, no webviews,
 * every permission request refused. Content that comes from a controller is never opened externally.
 */
export function hardenSessions(appOrigin: string): void {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  app.on("web-contents-created", (_event, contents: WebContents) => {
    contents.on("will-navigate", (event, url) => {
      if (!isAppUrl(url, appOrigin)) event.preventDefault();
    });
    contents.on("will-redirect", (event, url) => {
      if (!isAppUrl(url, appOrigin)) event.preventDefault();
    });
    contents.on("will-attach-webview", (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: "deny" }));
  });
}
