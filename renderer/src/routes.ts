import type { IconName } from "@blueprintjs/icons";

export const ROUTES = [
  { id: "plant", label: "Plant", icon: "diagram-tree", hint: "Controllers on the bay and their security posture" },
  { id: "identities", label: "Identities", icon: "id-number", hint: "Every account, certificate and key found or declared" },
  { id: "rotations", label: "Rotations", icon: "key", hint: "Change credentials with proof the old one is rejected" },
  { id: "owners", label: "Owners", icon: "people", hint: "Accountable owners, holders and decision authority" },
  { id: "evidence", label: "Evidence", icon: "shield", hint: "Signed change records, exports for IT and receipts" },
  { id: "settings", label: "Settings", icon: "cog", hint: "Device, technician, IT keys and display" },
] as const satisfies readonly { id: string; label: string; icon: IconName; hint: string }[];

export type RouteId = (typeof ROUTES)[number]["id"];

export function routeFromHash(hash: string): RouteId {
  const id = hash.replace(/^#\/?/, "").split("?")[0];
  return (ROUTES.find((r) => r.id === id)?.id ?? "plant");
}

/** Parameters after the route in the hash: #/rotations?identity=user%2Fmaint */
export function hashParams(hash: string): URLSearchParams {
  const query = hash.split("?")[1];
  return new URLSearchParams(query ?? "");
}
