import type { Migration } from "./index";
import { it001Evidence } from "./it/001-evidence";
import { it002PlantAndOwnerProjections } from "./it/002-plant-and-owner-projections";
import { it003CredentialChecks } from "./it/003-credential-checks";
import { it004DefaultPasswordChecks } from "./it/004-default-password-checks";
import { it005RealControllers } from "./it/005-real-controllers";
import { it006Handovers } from "./it/006-handovers";
import { it007CollectorDevices } from "./it/007-collector-devices";
import { it008UploadRefusals } from "./it/008-upload-refusals";

/**
 * IT's store, numbered on its own (its user_version is not the laptop's). Frozen like the laptop's:
 * each file in it/ holds the SQL it ran when released; add it/NNN-name.ts, never edit one.
 */
export const IT_MIGRATIONS: readonly Migration[] = [it001Evidence, it002PlantAndOwnerProjections, it003CredentialChecks, it004DefaultPasswordChecks, it005RealControllers, it006Handovers, it007CollectorDevices, it008UploadRefusals];
