import type { Directory } from "../../../../shared/contract";
import { today } from "../../format";

/** Today as YYYY-MM-DD in the technician's own time zone (what they mean by "today"). */
export function localDay(date = new Date()): string {
  return today(date);
}

/** An id from a name: "Ana Ruiz" -> "ana.ruiz" (the id rule: lower-case letters, digits, dots, dashes). */
export function idFromName(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ".")
    .replace(/^[.]+|[.]+$/g, "")
    .slice(0, 64);
}

export const EMPLOYERS = ["staff", "contractor", "vendor"] as const;

/** Options for an owner picker: teams first, then people who have not left. */
export function ownerOptions(directory: Directory | undefined): { label: string; value: string }[] {
  if (!directory) return [];
  return [
    ...directory.teams.map((t) => ({ label: `Team: ${t.name}`, value: `team:${t.teamId}` })),
    ...directory.people.filter((p) => !p.leftAt).map((p) => ({ label: `${p.name}${p.role ? ` (${p.role})` : ""}`, value: `person:${p.personId}` })),
  ];
}

export function nameOf(directory: Directory | undefined, personId: string): string {
  return directory?.people.find((p) => p.personId === personId)?.name ?? personId;
}
