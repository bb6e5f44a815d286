import { z } from "zod";
import { ControllerDecl } from "../evidence/kinds";
import { Finding } from "../domain/identity";
import { channel } from "./channel";
import { absolutePath } from "./paths";
import { JobStatus } from "./jobs";

const AbsolutePath = absolutePath("/media/usb/plant.json");

export const TrustState = z.enum(["unknown", "trusted", "changed", "rejected"]);

export const ControllerSummary = ControllerDecl.extend({
  trust: TrustState,
  trustedThumbprint: z.string().nullable(),
  observedThumbprint: z.string().nullable(),
  certificate: z.object({ subject: z.string(), notAfter: z.string(), selfSigned: z.boolean() }).nullable(),
  lastObservedAt: z.string().nullable(),
  reachable: z.boolean().nullable(),
  /** The last visit that did not reach it, after the last good one (whose findings and dates still show). */
  notReachedAt: z.string().nullable(),
  accounts: z.number().int().nullable(),
  /** false: the controller answered but cannot list its accounts (no Part 18 Users, no RoleSet); null: not visited. */
  accountsListable: z.boolean().nullable(),
  /** Accounts the technician declared on it. */
  declaredAccounts: z.array(z.string()),
  part18: z.boolean().nullable(),
  findings: z.array(Finding),
  changes: z.array(z.object({ kind: z.string(), severity: z.string(), text: z.string() })),
  gaps: z.array(z.object({ stage: z.string(), code: z.string(), message: z.string() })),
});
export type ControllerSummary = z.infer<typeof ControllerSummary>;

export const PlantTree = z.object({
  site: z.object({ id: z.string(), name: z.string() }).nullable(),
  controllers: z.array(ControllerSummary),
});
export type PlantTree = z.infer<typeof PlantTree>;

export const ScanOutcome = z.object({
  controllerId: z.string(),
  name: z.string(),
  endpointUrl: z.string(),
  status: z.enum(["observed", "partial", "awaiting-trust", "certificate-changed", "unreachable", "timeout", "access-denied", "error", "cancelled"]),
  message: z.string(),
  certificate: z.object({ subject: z.string(), thumbprintSha256: z.string(), notAfter: z.string() }).nullable(),
  changes: z.number().int(),
});
export type ScanOutcome = z.infer<typeof ScanOutcome>;

export const ScanRequest = z.strictObject({
  controllerIds: z.array(z.string().max(64)).max(10_000).optional(),
  targets: z.array(z.string().max(300)).max(1000).optional(),
  ports: z.array(z.number().int().min(1).max(65535)).max(20).optional(),
  trustNewCertificates: z.boolean().default(false),
  concurrency: z.number().int().min(1).max(64).default(8),
  timeoutMs: z.number().int().min(500).max(120_000).default(10_000),
});

export const DemoStatus = z.object({
  running: z.boolean(),
  controllers: z.number().int(),
  stateDir: z.string().nullable(),
  plantFile: z.string().nullable(),
});

export const plantChannels = {
  "plant.tree": channel(z.strictObject({}), PlantTree, "Controllers under site/area/line/cell with posture, trust and findings"),
  "plant.importFile": channel(z.strictObject({ path: AbsolutePath }), z.object({ site: z.string(), controllers: z.number(), controllerIds: z.array(z.string()), logins: z.number(), declaredAccounts: z.number() }), "Import a plant file"),
  "plant.scan": channel(ScanRequest, JobStatus, "Scan controllers (a job); results via plant.scanResult"),
  "plant.scanResult": channel(z.strictObject({ jobId: z.string() }), z.object({ outcomes: z.array(ScanOutcome) }), "Per-controller results of a scan job"),
  "plant.trust": channel(
    z.strictObject({ controllerId: z.string().max(64), thumbprintSha256: z.string().regex(/^[0-9a-f]{64}$/), decision: z.enum(["trust", "reject"]), note: z.string().max(2000).default("") }),
    ControllerSummary,
    "Trust (or reject) the certificate a controller presents now; recorded",
  ),
  "demo.start": channel(z.strictObject({ controllers: z.number().int().min(1).max(200).default(5) }), DemoStatus, "Start the demo plant in-process and load its plant file"),
  "demo.status": channel(z.strictObject({}), DemoStatus, "Whether the demo plant runs"),
  "demo.stop": channel(z.strictObject({}), DemoStatus, "Stop the demo plant"),
};
