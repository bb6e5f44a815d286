import type { CollectorDevice, DeviceAccess } from "../../shared/contract";
import { AppError } from "../../shared/domain/errors";
import { canonicalFingerprint } from "../evidence/crypto";
import type { PeerDevice } from "../evidence/tls";

type Awaitable<T> = T | Promise<T>;

/** A device as each engine lists it; the door adds why its uploads were refused. */
export type DoorListing = Omit<CollectorDevice, "refusals" | "lastRefusal">;

/** One row of upload_refusals: a key, a reason, how often, the last time and message. */
export interface RefusalRow {
  readonly fingerprint: string;
  readonly reason: string;
  readonly count: number;
  readonly lastAt: string;
  readonly lastMessage: string;
}

export interface DoorRow {
  readonly fingerprint: string;
  readonly deviceId: string | null;
  readonly name: string;
  readonly status: DeviceAccess;
}

/** What each engine keeps for the door (collector_devices, quarantined_uploads); the rules are in CollectorDoor. */
export interface DoorTable {
  row(fingerprint: string): Awaitable<DoorRow | undefined>;
  /** Records that this key knocked (a new key as pending); never changes a decision. */
  touch(peer: PeerDevice, at: string): Awaitable<void>;
  /** Sets IT's decision (creating the row for a key not seen yet). */
  decide(fingerprint: string, status: DeviceAccess, at: string, by: string, name: string): Awaitable<void>;
  /** The enrolled device with this key fingerprint, if any. */
  enrolledByFingerprint(fingerprint: string): Awaitable<{ deviceId: string; name: string } | undefined>;
  enrolledById(deviceId: string): Awaitable<{ fingerprint: string; name: string } | undefined>;
  list(): Awaitable<DoorListing[]>;
  refusalRows(): Awaitable<RefusalRow[]>;
  quarantine(upload: { fingerprint: string; deviceId: string | null; reason: string; sha256: string; data: Buffer; at: string }): Awaitable<void>;
  /** Counts a refused upload of this key under its reason, keeping the last message. */
  refused(refusal: { fingerprint: string; reason: string; message: string; at: string }): Awaitable<void>;
}

/**
 * Who may upload, written once for both engines: a device IT enrolled (a USB import or an approved
 * network upload) or whose fingerprint IT approved may; an unknown key is recorded as pending and
 * refused until IT approves it; a revoked one is refused and what it sends is kept apart.
 */
export class CollectorDoor {
  constructor(private readonly table: DoorTable) {}

  async access(peer: PeerDevice, at: string): Promise<DeviceAccess> {
    await this.table.touch(peer, at);
    const row = await this.table.row(peer.fingerprint);
    if (row?.status === "revoked") return "revoked";
    if (row?.status === "approved" || (await this.table.enrolledByFingerprint(peer.fingerprint))) return "approved";
    return "pending";
  }

  /** IT approves a fingerprint (read off the laptop), before or after the laptop first knocked. */
  async approve(input: string, by: string, at: string): Promise<CollectorDevice> {
    const fingerprint = this.fingerprint(input);
    const row = await this.table.row(fingerprint);
    const enrolled = await this.table.enrolledByFingerprint(fingerprint);
    await this.table.decide(fingerprint, "approved", at, by, row?.name ?? enrolled?.name ?? "(not seen yet)");
    return this.find(fingerprint);
  }

  /** IT revokes a device by its id or key fingerprint; its records already held stay as they are. */
  async revoke(input: string, by: string, at: string): Promise<CollectorDevice> {
    const fingerprint = canonicalFingerprint(input) ?? (await this.table.enrolledById(input.trim()))?.fingerprint ?? (await this.table.list()).find((d) => d.deviceId === input.trim())?.fingerprint;
    if (!fingerprint) throw await this.unknown(input);
    const row = await this.table.row(fingerprint);
    const enrolled = await this.table.enrolledByFingerprint(fingerprint);
    if (!row && !enrolled) throw await this.unknown(input);
    await this.table.decide(fingerprint, "revoked", at, by, row?.name ?? enrolled?.name ?? "(not seen yet)");
    return this.find(fingerprint);
  }

  /** The device id IT enrolled for this key (a certificate's id claim is not trusted), or null. */
  async enrolledId(fingerprint: string): Promise<string | null> {
    return (await this.table.enrolledByFingerprint(fingerprint))?.deviceId ?? null;
  }

  async list(): Promise<CollectorDevice[]> {
    const byKey = new Map<string, { refusals: Record<string, number>; lastRefusal: CollectorDevice["lastRefusal"] }>();
    for (const row of await this.table.refusalRows()) {
      const entry = byKey.get(row.fingerprint) ?? { refusals: {}, lastRefusal: null };
      entry.refusals[row.reason] = row.count;
      if (!entry.lastRefusal || row.lastAt > entry.lastRefusal.at) entry.lastRefusal = { reason: row.reason, at: row.lastAt, message: row.lastMessage };
      byKey.set(row.fingerprint, entry);
    }
    return (await this.table.list()).map((d) => ({ ...d, ...(byKey.get(d.fingerprint) ?? { refusals: {}, lastRefusal: null }) }));
  }

  quarantine(peer: PeerDevice, reason: string, sha256: string, data: Buffer, at: string): Awaitable<void> {
    return this.table.quarantine({ fingerprint: peer.fingerprint, deviceId: peer.deviceId, reason, sha256, data, at });
  }

  /** A refused upload from this key, for `collector status` (why did bay-07 not land?). */
  refused(peer: PeerDevice, reason: string, message: string, at: string): Awaitable<void> {
    return this.table.refused({ fingerprint: peer.fingerprint, reason, message, at });
  }

  private fingerprint(input: string): string {
    const fingerprint = canonicalFingerprint(input);
    if (!fingerprint) throw new AppError("INVALID_REQUEST", `"${input}" is not a device fingerprint. It reads SHA256: and 32 hex digits in groups of four, as the laptop's Settings › IT collector shows it.`);
    return fingerprint;
  }

  private async find(fingerprint: string): Promise<CollectorDevice> {
    return (await this.list()).find((d) => d.fingerprint === fingerprint)!;
  }

  private async unknown(input: string): Promise<AppError> {
    const known = (await this.table.list()).map((d) => `${d.name} ${d.deviceId ?? ""} ${d.fingerprint}`.replace(/\s+/g, " ").trim());
    return new AppError("NOT_FOUND", `No device "${input}" has reached this collector or been enrolled. ${known.length ? `Known: ${known.join("; ")}.` : "None is known yet."} Give a device id or its key fingerprint.`);
  }
}
