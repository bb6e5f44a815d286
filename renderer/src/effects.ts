// What each channel is to the renderer's cache: a read it keeps, a one-shot read it never keeps, or
// a write and the reads that write makes stale. Typed over every channel, so a new channel has to be
// placed here before the renderer compiles. Plain TypeScript (no React), unit-tested.
import type { Channel } from "../../shared/contract";

/** Every write signs a record: the journal's counts, pages and the status bar change with it. */
const JOURNAL = ["evidence.summary", "evidence.records", "system.info"] as const;
const IDENTITIES = ["identities.list", "identities.get"] as const;
/** The plant and what hangs off it: controllers, the accounts on them, the lines of the authority matrix. */
const PLANT = ["plant.tree", ...IDENTITIES, "owners.authority", "rotations.list", ...JOURNAL] as const;
const OWNERS = ["owners.list", "owners.authority", ...IDENTITIES, ...JOURNAL] as const;
const ROTATIONS = ["rotations.list", "rotations.handovers", ...IDENTITIES, "plant.tree", ...JOURNAL] as const;

export const CHANNEL_USE = {
  // Reads the renderer caches (per channel and request) until a write makes them stale.
  "system.info": "read",
  "settings.get": "read",
  // The automatic sync's state: changes in main by itself, so the status bar polls it.
  "sync.status": "read",
  "ca.list": "read",
  // Asks the controller each time (its set-up can change between visits): never kept.
  "certificates.preflight": "once",
  "evidence.summary": "read",
  "evidence.records": "read",
  "evidence.record": "read",
  "plant.tree": "read",
  "demo.status": "read",
  "identities.list": "read",
  "identities.get": "read",
  "owners.list": "read",
  "owners.authority": "read",
  "rotations.list": "read",
  "rotations.handovers": "read",
  // Read once, never cached: a job's progress or result (main forgets a result soon after it is read).
  "jobs.status": "once",
  "plant.scanResult": "once",
  "evidence.exportResult": "once",
  "rotations.batchResult": "once",
  "rotations.resolveResult": "once",
  // What the CLI prints; the renderer writes files instead (owners.exportCsv).
  "owners.exportCsvText": "once",
  "system.clientCertificate": "read",
  // The OS file dialogs change nothing.
  "dialog.openFile": [],
  // Writes a file, changes nothing the renderer shows.
  "system.exportClientCertificate": [],
  "dialog.saveFile": [],
  "jobs.cancel": [],
  // Writes, and what they make stale. For a job (scan, rotation, export), once the job has ended.
  "device.unlock": "all",
  "settings.update": ["settings.get", ...JOURNAL],
  "settings.setDualControl": ["settings.get", ...JOURNAL],
  "settings.setSharedScope": ["settings.get", ...JOURNAL],
  // Not a signed record (the address changes no evidence), but the status bar's IT state changes with it.
  "settings.setCollector": ["settings.get", "sync.status", ...JOURNAL],
  "settings.setSyncAutomatically": ["settings.get", "sync.status"],
  // A sync applies IT's receipt: a signed record.
  "sync.now": ["sync.status", "evidence.record", ...JOURNAL],
  "technician.set": JOURNAL,
  "technician.signIn": JOURNAL,
  "evidence.trustIt": ["settings.get", "sync.status", ...JOURNAL],
  "ca.request": JOURNAL,
  "ca.install": ["ca.list", ...JOURNAL],
  "ca.updateCrl": ["ca.list", ...JOURNAL],
  "certificates.issue": JOURNAL,
  "certificates.revoke": JOURNAL,
  "evidence.export": JOURNAL,
  "evidence.importReceipt": ["evidence.record", ...JOURNAL],
  "plant.importFile": PLANT,
  "plant.scan": PLANT,
  "plant.trust": PLANT,
  "identities.declare": PLANT,
  "demo.start": ["demo.status", ...PLANT],
  "demo.stop": ["demo.status", ...PLANT],
  "identities.checkReuse": [...IDENTITIES, ...JOURNAL],
  "identities.checkDefaults": [...IDENTITIES, "plant.tree", ...JOURNAL],
  "owners.upsertTeam": OWNERS,
  "owners.upsertPerson": OWNERS,
  "owners.markLeft": OWNERS,
  "owners.setOwnership": OWNERS,
  "owners.assignBulk": OWNERS,
  "owners.addHolder": OWNERS,
  "owners.removeHolder": OWNERS,
  "owners.attestUse": OWNERS,
  "owners.setAuthority": OWNERS,
  "owners.importCsv": OWNERS,
  "owners.exportCsv": [],
  "rotations.start": ROTATIONS,
  "rotations.retryFailed": ROTATIONS,
  "rotations.resolvePending": ROTATIONS,
  "rotations.confirmManual": ROTATIONS,
  "rotations.revealManual": JOURNAL,
  "rotations.handOver": ["rotations.handovers", ...JOURNAL],
  "rotations.closeHandover": ["rotations.handovers", ...JOURNAL],
} as const satisfies Record<Channel, "read" | "once" | "all" | readonly Channel[]>;

type Use = typeof CHANNEL_USE;
/** Channels whose answers the renderer caches: the only ones `useApi` loads. */
export type ReadChannel = { [C in Channel]: Use[C] extends "read" ? C : never }[Channel];
/** Channels that change something: `useWrite` calls them and marks what they change stale. */
export type WriteChannel = { [C in Channel]: Use[C] extends "read" | "once" ? never : C }[Channel];

/** The reads a write makes stale ("all": everything, e.g. once the device key is unlocked). */
export function staleAfter(channel: WriteChannel): readonly ReadChannel[] | "all" {
  const use: "all" | readonly Channel[] = CHANNEL_USE[channel];
  if (use === "all") return use;
  return [...new Set(use)].filter((c): c is ReadChannel => CHANNEL_USE[c] === "read");
}
