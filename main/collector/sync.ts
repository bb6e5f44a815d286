// The laptop's upload to the collector lives in the services (one sync path for `fieldproof sync`
// and the app's automatic sync); re-exported here for the collector's callers.
export { syncOnce, SyncRefused, type SyncLaptop, type SyncResult } from "../services/syncService";
