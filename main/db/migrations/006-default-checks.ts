import { createDefaultCheckProjections } from "../projections/schema";
import type { Migration } from "./index";

export const m006DefaultChecks: Migration = { version: 6, name: "default-password-checks", up: (db) => createDefaultCheckProjections(db) };
