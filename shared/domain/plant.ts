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
      }),
    )
    .max(10_000),
});
export type PlantFile = z.infer<typeof PlantFile>;
