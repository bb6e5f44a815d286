import type { Command } from "commander";
import type { CliContext } from "./context";

/** `fieldproof owners import|export`, `fieldproof holder left` (issue 6). */
export function registerOwnerCommands(_program: Command, _ctx: CliContext): void {}
