import type { CollectorDevice } from "../../shared/contract";

/** `fieldproof collector status`: what IT's collector store holds of every laptop, and what needs a look. */
export interface CollectorStatus {
  /** The store read: the IT folder's SQLite file, or the PostgreSQL URL with its password hidden. */
  readonly store: string;
  readonly totals: {
    readonly devices: number;
    readonly approved: number;
    readonly pending: number;
    readonly revoked: number;
    readonly recordsHeld: number;
    /** Uploads refused as a gap (records missing in between), all devices. */
    readonly gaps: number;
    /** Uploads refused as a fork and kept as evidence, all devices. */
    readonly forks: number;
    /** Uploads of revoked devices kept apart, all devices. */
    readonly keptApart: number;
  };
  readonly devices: readonly CollectorDevice[];
}

/** Refusals that mean the evidence did not line up (not "busy" or "overloaded", which a retry clears). */
const ATTENTION = new Set(["fork", "gap", "tampered", "malformed", "device-mismatch", "enrolment-mismatch", "revoked", "internal"]);

export function collectorStatus(store: string, devices: readonly CollectorDevice[]): CollectorStatus {
  const sum = (f: (d: CollectorDevice) => number): number => devices.reduce((n, d) => n + f(d), 0);
  return {
    store,
    totals: {
      devices: devices.length,
      approved: devices.filter((d) => d.status === "approved").length,
      pending: devices.filter((d) => d.status === "pending").length,
      revoked: devices.filter((d) => d.status === "revoked").length,
      recordsHeld: sum((d) => d.recordsHeld),
      gaps: sum((d) => d.refusals.gap ?? 0),
      forks: sum((d) => d.forks),
      keptApart: sum((d) => d.quarantined),
    },
    devices,
  };
}

/** The status as lines for a terminal: a summary, what needs IT's attention, then one line per device. */
export function statusLines(status: CollectorStatus): string[] {
  const t = status.totals;
  const lines = [`Collector store: ${status.store}`, `${t.devices} device(s): ${t.approved} approved, ${t.pending} pending, ${t.revoked} revoked; ${t.recordsHeld} record(s) held.`];
  if (t.devices === 0) return [...lines, "No laptop has reached this collector yet."];
  const attention: string[] = [];
  for (const d of status.devices) {
    const who = `${d.name} (${d.fingerprint})`;
    if (d.forks) attention.push(`FORK: ${who}: ${d.forks} upload(s) with a different history kept as evidence. Do not approve a restored copy; compare with fieldproof collector export --device ${d.deviceId ?? `"${d.fingerprint}"`}.`);
    if (d.refusals.gap) attention.push(`GAP: ${who}: ${d.refusals.gap} upload(s) started after what IT holds (records missing in between); its next sync sends from IT's size.`);
    if (d.status === "pending") attention.push(`PENDING: ${who} waits for approval: compare the fingerprint with the laptop's Settings › IT collector, then fieldproof collector devices approve "${d.fingerprint}".`);
    if (d.quarantined) attention.push(`KEPT APART: ${who}: ${d.quarantined} upload(s) after revocation.`);
    if (d.lastRefusal && ATTENTION.has(d.lastRefusal.reason) && d.lastRefusal.reason !== "fork" && d.lastRefusal.reason !== "gap" && (!d.lastImportAt || d.lastRefusal.at > d.lastImportAt)) {
      attention.push(`REFUSED: ${who}: last upload refused (${d.lastRefusal.reason}) at ${d.lastRefusal.at}: ${d.lastRefusal.message}`);
    }
  }
  lines.push(attention.length ? `Needs a look:\n  ${attention.join("\n  ")}` : "Nothing needs a look: no forks, no gaps, nobody waiting.");
  lines.push("Devices:");
  for (const d of status.devices) {
    const refused = Object.entries(d.refusals)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([reason, n]) => `${reason} ${n}`)
      .join(", ");
    lines.push(
      `  ${d.status.padEnd(8)} ${d.name}${d.deviceId ? ` (${d.deviceId})` : ""}  ${d.fingerprint}  records ${d.recordsHeld}` +
        `, last sync ${d.lastImportAt ?? "never"}, last seen ${d.lastSeenAt ?? "never"}, gaps ${d.refusals.gap ?? 0}, forks ${d.forks}` +
        (refused ? `; refused: ${refused}` : ""),
    );
  }
  return lines;
}
