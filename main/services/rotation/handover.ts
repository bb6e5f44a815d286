import { AppError } from "../../../shared/domain/errors";
import type { HandoverView } from "../../../shared/contract";
import type { OwnersRepository } from "../../db/ownersRepository";
import type { PlantRepository } from "../../db/plantRepository";
import type { RotationRepository, RotationRow } from "../../db/rotationRepository";
import type { Signer } from "../../evidence/dsse";
import type { Identity } from "../../evidence/identity";
import type { Vault } from "../../evidence/vault";
import type { OwnersService } from "../ownersService";

export const handoverRef = (rotationId: string): string => `handover/${rotationId}`;

export interface HandoverDeps {
  readonly rotations: RotationRepository;
  readonly ownersRepo: OwnersRepository;
  readonly owners: OwnersService;
  readonly plantRepo: PlantRepository;
  readonly vault: Vault;
  readonly identity: Identity;
  readonly now: () => Date;
  /** How long the laptop keeps a shared account's new password for its holders after the rotation. */
  readonly holdHours: () => number;
}

export interface HandoverRequest {
  readonly identityId: string;
  readonly personId: string;
  /** The holder's PIN, where they have a personal key on this laptop (their key co-signs the record). */
  readonly pin?: string | undefined;
}

export interface HandoverResult {
  readonly personName: string;
  readonly method: "pin" | "slip";
  readonly passwords: { controllerId: string; controllerName: string; password: string }[];
  /** Current holders who still have to receive it; empty once every holder has it (the laptop then forgets it). */
  readonly waitingFor: string[];
}

/**
 * After a shared account is rotated, its crew must learn the new password, or the shift is locked
 * out of the HMIs until IT opens the sealed copy. The laptop keeps the new password (encrypted, in
 * its vault) for the account's current holders only, gives it to each of them once (after their PIN
 * where they have one, or on a slip the technician hands over), records every handover, and forgets
 * it when every holder has it, when the technician closes it, or after the hold time.
 */
export class HandoverService {
  constructor(private readonly deps: HandoverDeps) {}

  /** Whether a committed rotation of this identity keeps a copy for handover: it has current holders. */
  keepsFor(identityId: string): boolean {
    return this.currentHolders(identityId).length > 0;
  }

  /** Every shared account whose new password waits for holders, after dropping expired copies. */
  list(): HandoverView[] {
    this.expire();
    return [...this.awaiting().entries()].map(([identityId, rows]) => this.view(identityId, rows));
  }

  /** The holders who have not received an identity's new password yet (names), for "hand over to: …". */
  waitingFor(identityId: string): string[] {
    const rows = this.awaiting().get(identityId);
    return rows ? this.view(identityId, rows).holders.filter((h) => h.missing.length > 0).map((h) => h.name) : [];
  }

  /** Gives one current holder every controller's new password they have not received yet, recorded. */
  handOver(request: HandoverRequest): HandoverResult {
    this.expire();
    const rows = this.awaiting().get(request.identityId);
    if (!rows) throw new AppError("NOT_FOUND", `No new password of ${request.identityId} waits for handover on this laptop (it was handed to every holder, closed, or expired: IT holds the sealed copy).`);
    const holder = this.currentHolders(request.identityId).find((h) => h.personId === request.personId);
    const person = this.deps.ownersRepo.people().find((p) => p.personId === request.personId);
    if (!person) throw new AppError("NOT_FOUND", `There is no person ${request.personId} in Owners.`);
    if (!holder) {
      const names = this.currentHolders(request.identityId).map((h) => h.name);
      throw new AppError("FORBIDDEN", `${person.name} is not a current holder of ${rows[0]!.userName}, so the new password is not given to them. Current holders: ${names.join(", ") || "none"}. Add them as a holder on the Identities screen first if they should have it.`);
    }
    const received = new Set(this.deps.rotations.handovers(rows.map((r) => r.rotationId)).filter((h) => h.personId === request.personId).map((h) => h.rotationId));
    const due = rows.filter((r) => !received.has(r.rotationId));
    if (due.length === 0) throw new AppError("PRECONDITION_FAILED", `${person.name} already received the new password of ${rows[0]!.userName} on every controller.`);

    let signer: Signer | null = null;
    if (this.deps.ownersRepo.personKey(request.personId)) {
      if (!request.pin) throw new AppError("INVALID_REQUEST", `${person.name} has a PIN on this laptop: they enter it to receive the password.`);
      signer = this.deps.owners.approverSigner(request.personId, request.pin);
    }
    const names = new Map(this.deps.plantRepo.controllers().map((c) => [c.id, c.name]));
    const passwords = due.map((r) => {
      const password = this.deps.vault.get(handoverRef(r.rotationId));
      if (password === undefined) throw new AppError("NOT_FOUND", `The new password for ${names.get(r.controllerId) ?? r.controllerId} is no longer on this laptop; IT holds the sealed copy.`);
      return { controllerId: r.controllerId, controllerName: names.get(r.controllerId) ?? r.controllerId, password };
    });
    const method = signer ? "pin" : "slip";
    const journal = this.deps.identity.journal;
    journal.transaction(() => {
      journal.appendInTransaction(
        "secret.handedOver",
        [{ name: `fieldproof:identity/${request.identityId}` }],
        { identityId: request.identityId, userName: rows[0]!.userName, personId: person.personId, personName: person.name, rotations: due.map((r) => ({ rotationId: r.rotationId, controllerId: r.controllerId })), method },
        signer ? [signer] : [],
      );
    });
    const waiting = this.waitingFor(request.identityId);
    if (waiting.length === 0) this.forget(request.identityId, rows, "all-holders");
    return { personName: person.name, method, passwords, waitingFor: waiting };
  }

  /** The technician ends the handover: the laptop forgets the copies; the rest ask IT. */
  close(identityId: string): { forgotten: number; notReceived: string[] } {
    const rows = this.awaiting().get(identityId);
    if (!rows) throw new AppError("NOT_FOUND", `No new password of ${identityId} waits for handover on this laptop.`);
    const notReceived = this.waitingFor(identityId);
    this.forget(identityId, rows, "closed");
    return { forgotten: rows.length, notReceived };
  }

  private expire(): void {
    const limit = this.deps.now().getTime() - this.deps.holdHours() * 3_600_000;
    for (const [identityId, rows] of this.awaiting()) {
      const newest = Math.max(...rows.map((r) => Date.parse(r.finishedAt ?? r.startedAt)));
      if (newest < limit) this.forget(identityId, rows, "expired");
    }
  }

  private forget(identityId: string, rows: readonly RotationRow[], reason: "all-holders" | "closed" | "expired"): void {
    const notReceived = reason === "all-holders" ? [] : this.waitingFor(identityId);
    const journal = this.deps.identity.journal;
    journal.transaction(() => {
      journal.appendInTransaction("secret.handoverClosed", [{ name: `fieldproof:identity/${identityId}` }], { identityId, rotationIds: rows.map((r) => r.rotationId), reason, notReceived });
      for (const r of rows) this.deps.vault.delete(handoverRef(r.rotationId));
    });
  }

  /** Committed rotations whose handover copy the vault still holds, by identity. */
  private awaiting(): Map<string, RotationRow[]> {
    const out = new Map<string, RotationRow[]>();
    for (const ref of this.deps.vault.refs("handover/")) {
      const row = this.deps.rotations.get(ref.slice("handover/".length));
      if (!row || row.state !== "committed") continue;
      out.set(row.identityId, [...(out.get(row.identityId) ?? []), row]);
    }
    return out;
  }

  private currentHolders(identityId: string): { personId: string; name: string; hasPin: boolean }[] {
    const people = new Map(this.deps.ownersRepo.people().map((p) => [p.personId, p]));
    return this.deps.ownersRepo
      .holders()
      .filter((h) => h.identityId === identityId && h.removedAt === null && people.get(h.personId) && !people.get(h.personId)!.leftAt)
      .map((h) => ({ personId: h.personId, name: people.get(h.personId)!.name, hasPin: this.deps.ownersRepo.personKey(h.personId) !== undefined }));
  }

  private view(identityId: string, rows: readonly RotationRow[]): HandoverView {
    const names = new Map(this.deps.plantRepo.controllers().map((c) => [c.id, c.name]));
    const given = this.deps.rotations.handovers(rows.map((r) => r.rotationId));
    const newest = Math.max(...rows.map((r) => Date.parse(r.finishedAt ?? r.startedAt)));
    return {
      identityId,
      userName: rows[0]!.userName,
      controllers: rows.map((r) => ({ rotationId: r.rotationId, controllerId: r.controllerId, controllerName: names.get(r.controllerId) ?? r.controllerId, rotatedAt: r.finishedAt ?? r.startedAt })),
      holders: this.currentHolders(identityId).map((h) => {
        const got = new Set(given.filter((g) => g.personId === h.personId).map((g) => g.rotationId));
        return { ...h, received: rows.filter((r) => got.has(r.rotationId)).map((r) => r.controllerId), missing: rows.filter((r) => !got.has(r.rotationId)).map((r) => r.controllerId) };
      }),
      expiresAt: new Date(newest + this.deps.holdHours() * 3_600_000).toISOString(),
    };
  }
}
