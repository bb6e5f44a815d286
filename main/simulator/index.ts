/**
 * The demo plant: N simulated controllers, each a real node-opcua server on 127.0.0.1, with
 * realistic accounts, deliberate weaknesses, profiles of controllers that do less, Part 18 user
 * management, Part 12 push certificate management and fault injection. See docs/simulator.md.
 */
export { startDemoPlant, DEFAULT_SEED, MAX_CONTROLLERS } from "./plant";
export { buildPlant, PLACED_WEAKNESSES, PLACED_PROFILES, PROFILES_FROM_CONTROLLERS, SHORT_CERTIFICATE_DAYS, CERTIFICATE_DAYS } from "./build";
export { declaredAccounts, listsAccounts } from "./plantFile";
export { TECHNICIAN_USER, MAINTENANCE_USER, BREAK_GLASS_USER, OPERATOR_USER } from "./accounts";
export { PASSWORD_POLICY, policyViolation } from "./passwords";
export { quietOpcuaLogs } from "./logging";
export { thumbprint } from "./pki";
export type {
  AccountFlags,
  DemoPlant,
  DemoPlantOptions,
  PasswordPolicy,
  PlantBuild,
  Profile,
  ProfileKind,
  SharedPassword,
  SimAccount,
  SimController,
  SimChangeFault,
  SimControllerSpec,
  SimFault,
  SimSecurity,
  SimUserSnapshot,
  Weakness,
  WeaknessKind,
  WellKnownRole,
} from "./types";
