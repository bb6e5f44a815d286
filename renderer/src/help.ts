// The built-in guide: a few plain lines per screen, for a technician on the bay. Opened with F1 or
// the Help button; it shows the screen you are on first. Plain data (no React).
import type { RouteId } from "./routes";

export interface HelpSection {
  readonly title: string;
  /** Short paragraphs or steps, in order. */
  readonly lines: readonly string[];
}

export const SCREEN_HELP: Record<RouteId, HelpSection> = {
  plant: {
    title: "Plant",
    lines: [
      "The controllers on this bay, line by line, and what is wrong with their security.",
      "Load a plant file, or start the demo plant, then press Scan all. A scan only reads: it changes nothing on a controller.",
      "A new controller certificate must be trusted before Fieldproof talks to it. Compare the thumbprint with the one on the controller's own screen first.",
      "A red warning means a certificate changed since you trusted it: check on the controller before you trust it again.",
      "Declare an account when a controller cannot list its own accounts, so it is counted and rotated too.",
    ],
  },
  identities: {
    title: "Identities",
    lines: [
      "Every account, certificate and key found on the controllers, with where it lives, who owns it, who holds it, when it is due and what is wrong with it.",
      "Type in the filter box to find an account, a person, a line or a finding. The menus narrow by kind, finding and line.",
      "Click a row to see the details on the right: findings first, then owner, holders and recorded uses.",
      "Rotate… opens the Rotations screen for that account. Tick several rows to give them one owner at once.",
    ],
  },
  rotations: {
    title: "Rotations",
    lines: [
      "Change an account's password on every controller it lives on. Fieldproof proves that the new password works and the old one is refused.",
      "You need the current password, a work order and a reason. Shared and break-glass accounts also need a second person to approve with their PIN (see Settings › Dual control).",
      "A controller that cannot change passwords itself goes manual: show the new password, type it into the vendor tool, then press It is set: prove it.",
      "If a rotation was interrupted (power, cable), resolve it here before anything else: Fieldproof checks which password the controller has now.",
    ],
  },
  owners: {
    title: "Owners",
    lines: [
      "People and teams, who owns which account, and who may decide (approve, revoke, pause, override) on each line or cell.",
      "Give an approver a PIN when you add them: they type it on this laptop to approve a rotation.",
      "Decision authority: press Edit on a line, choose people in order (the first is asked first), then Save order. An empty list means nobody may decide there.",
      "When someone leaves, press Mark as left. The shared accounts they knew become due for rotation.",
    ],
  },
  evidence: {
    title: "Evidence",
    lines: [
      "Every change on this laptop is a signed record in a chain: nothing can be altered, dropped or reordered without IT seeing it.",
      "Export writes the records IT has not receipted yet to a file (a USB stick). IT imports it and gives you a receipt file.",
      "Import that receipt here: the laptop then knows IT holds everything up to it.",
      "The key fingerprint at the top is what IT compares when it first enrols this laptop. Read it to them.",
    ],
  },
  settings: {
    title: "Settings",
    lines: [
      "Device name: IT sees it on every record, next to the key fingerprint. Give each laptop its own name.",
      "Technician: your name on the records; with a PIN your own key co-signs them.",
      "IT key: install IT's public key file before the first rotation, so new passwords are sealed for IT.",
      "Dual control: when a rotation needs a second person. Making it stricter is free; making it weaker needs an approver's PIN.",
    ],
  },
};

export const GENERAL_HELP: HelpSection = {
  title: "Keys",
  lines: ["F1: this help. Ctrl+1 to Ctrl+6: go to a screen. Tab and Enter work everywhere; Enter in a form presses its main button.", "Esc closes a dialog without saving."],
};
