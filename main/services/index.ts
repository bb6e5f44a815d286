export { createServices, type Services } from "./createServices";
export { resolveDataDir, STORE_FILE, type ServicesConfig, type Runtime, type FileDialogs, type FileDialog } from "./config";
