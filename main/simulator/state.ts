import { join } from "node:path";
import { z } from "zod";
import { PasswordHash } from "./passwords";
import { WELL_KNOWN_ROLES } from "./types";

/**
 * The state folder:
 *   demo-plant.json                       seed, size and clock of the plant (so a restart rebuilds the same plant)
 *   controllers/<id>/state.json           port and accounts (scrypt hashes, never a clear password)
 *   controllers/<id>/pki/                 application certificate, private key, trusted/rejected peers
 *   controllers/<id>/user-pki/            certificates of X509 user tokens
 */
export const PlantState = z.object({
  format: z.literal("fieldproof-demo-plant-state/v1"),
  seed: z.string(),
  controllers: z.number().int().positive(),
  createdAt: z.iso.datetime(),
});
export type PlantState = z.infer<typeof PlantState>;

export const StoredUser = z.object({
  userName: z.string().min(1),
  roles: z.array(z.enum(WELL_KNOWN_ROLES)),
  description: z.string(),
  noDelete: z.boolean(),
  disabled: z.boolean(),
  noChangeByUser: z.boolean(),
  password: PasswordHash,
  /** Earlier passwords a faulty controller still accepts (the keepOldPassword fault). */
  alsoAccepted: z.array(PasswordHash),
  passwordChangedAt: z.iso.datetime().optional(),
});
export type StoredUser = z.infer<typeof StoredUser>;

export const ControllerState = z.object({
  format: z.literal("fieldproof-sim-controller/v1"),
  id: z.string(),
  port: z.number().int().min(1).max(65_535),
  users: z.array(StoredUser),
});
export type ControllerState = z.infer<typeof ControllerState>;

export interface ControllerPaths {
  readonly folder: string;
  readonly stateFile: string;
  readonly pki: string;
  readonly userPki: string;
}

export function plantStatePath(stateDir: string): string {
  return join(stateDir, "demo-plant.json");
}

export function controllerPaths(stateDir: string, id: string): ControllerPaths {
  const folder = join(stateDir, "controllers", id);
  return { folder, stateFile: join(folder, "state.json"), pki: join(folder, "pki"), userPki: join(folder, "user-pki") };
}
