export { openDatabase } from "./open";
export type { Database } from "./open";
export { StoreOpenError } from "./errors";
export { MIGRATIONS, LATEST_VERSION } from "./migrations";
export { SettingsRepository } from "./settingsRepository";
