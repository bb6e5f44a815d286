/**
 * The one navigation rule for the app window: stay on the app's own origin.
 * Compared by scheme and host: Node's URL gives custom schemes such as app:// an opaque ("null")
 * origin, which would make every app:// URL look foreign (or, compared naively, all look equal).
 */
export function isAppUrl(url: string, appOrigin: string): boolean {
  try {
    const candidate = new URL(url);
    const app = new URL(appOrigin);
    return candidate.host !== "" && candidate.protocol === app.protocol && candidate.host === app.host;
  } catch {
    return false;
  }
}
