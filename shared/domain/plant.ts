import { z } from "zod";

/** ISA-95 levels a controller sits under. */
export const ControllerKind = z.enum(["plc", "hmi", "gateway", "robot", "historian"]);
export type ControllerKind = z.infer<typeof ControllerKind>;

const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9-]*$/, "ids are lower-case letters, digits and dashes");

export const OpcUaEndpointUrl = z
  .string()
  .max(512)
  .regex(/^opc\.tcp:\/\/[^\s/:]+(:\d{1,5})?(\/[^\s]*)?$/, "an OPC UA endpoint looks like opc.tcp://host:4840");

/** What a declared account is: how the findings treat it (shared, vendor and break-glass rules; a factory default). */
export const DeclaredAccountKind = z.enum(["user", "shared", "vendor", "break-glass", "default"]);
export type DeclaredAccountKind = z.infer<typeof DeclaredAccountKind>;

/**
 * An account the technician knows is on a controller that cannot list its accounts (no Part 18 Users,
 * no RoleSet: how many PLCs ship). Declared, not observed: it rotates through the manual path, with
 * proof by login.
 */
export const DeclaredAccount = z.object({
  userName: z.string().min(1).max(200),
  kind: DeclaredAccountKind.default("user"),
  description: z.string().max(2000).default(""),
});
export type DeclaredAccount = z.infer<typeof DeclaredAccount>;

/**
 * A plant file: the controllers of a site with where they sit (site > area > line > cell) and how
 * to reach them. `technicianLogin` is the technician's initial login on that controller; on import
 * it goes into the laptop's encrypted vault and is never stored in clear.
 */
export const PlantFile = z.object({
  format: z.literal("fieldproof-plant/v1"),
  site: z.object({ id: Id, name: z.string().min(1).max(200) }),
  generatedAt: z.string(),
  controllers: z
    .array(
      z.object({
        id: Id,
        name: z.string().min(1).max(200),
        kind: ControllerKind,
        vendor: z.string().max(200),
        model: z.string().max(200),
        area: z.string().min(1).max(200),
        line: z.string().min(1).max(200),
        cell: z.string().min(1).max(200),
        endpointUrl: OpcUaEndpointUrl,
        technicianLogin: z.object({ username: z.string().min(1).max(200), password: z.string().min(1).max(512) }).optional(),
        /** Accounts known to be on this controller where it cannot list them itself. */
        accounts: z.array(DeclaredAccount).max(1000).optional(),
      }),
    )
    .max(10_000),
  /** Accounts declared on every controller of a line (e.g. the line's shared maintenance account). */
  lines: z.array(z.object({ line: z.string().min(1).max(200), accounts: z.array(DeclaredAccount).max(1000) })).max(1000).optional(),
});
export type PlantFile = z.infer<typeof PlantFile>;
