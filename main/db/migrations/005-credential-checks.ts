import { createCredentialProjections } from "../projections/schema";
import type { Migration } from "./index";

export const m005CredentialChecks: Migration = { version: 5, name: "credential-checks", up: (db) => createCredentialProjections(db) };
