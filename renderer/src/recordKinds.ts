import { isRecordKind, type RecordKind } from "../../shared/evidence/kinds";

/**
 * Plain-language names for record kinds (the raw kind stays visible in the detail). Typed over every
 * kind the journal signs: a new kind without a label here does not compile.
 */
const LABELS: Record<RecordKind, string> = {
  "device.enrolled": "Laptop enrolled",
  "device.renamed": "Laptop renamed",
  "settings.dualControl": "Dual control changed",
  "settings.sharedScope": "Shared accounts' password scope changed",
  "technician.set": "Technician set",
  "it.trusted": "IT key trusted",
  "plant.loaded": "Plant file loaded",
  "account.declared": "Account declared (the controller cannot list it)",
  "controller.trusted": "Controller certificate decided",
  "controller.observed": "Controller scanned",
  "team.upserted": "Team saved",
  "person.upserted": "Person saved",
  "person.left": "Person marked as left",
  "ownership.set": "Owner set",
  "holder.added": "Holder added",
  "holder.removed": "Holder removed",
  "usage.attested": "Use of an account recorded",
  "authority.set": "Decision authority set",
  "rotation.pending": "Rotation started (new password sealed to IT)",
  "rotation.committed": "Rotation done with proof",
  "rotation.failed": "Rotation failed",
  "rotation.resolved": "Interrupted rotation resolved",
  "credential.checked": "Password checked on controllers",
  "credential.defaultChecked": "Factory passwords checked",
  "secret.revealed": "New password shown for a manual change",
  "secret.handedOver": "New password handed over to a holder",
  "secret.handoverClosed": "Handover copies forgotten by the laptop",
  "receipt.imported": "IT receipt imported",
  "ca.requested": "Site CA requested from IT",
  "ca.installed": "Site CA installed",
  "ca.crlInstalled": "Site CA revocation list installed",
  "certificate.issued": "Controller certificate issued",
  "certificate.revoked": "Controller certificate revoked",
};

export function kindLabel(kind: string): string {
  return isRecordKind(kind) ? LABELS[kind] : kind;
}
