import type { z } from "zod";
import type { ChannelSpec } from "./channel";
import { certificateChannels } from "./certificates";
import { evidenceChannels } from "./evidence";
import { identityChannels } from "./identities";
import { jobChannels } from "./jobs";
import { ownerChannels } from "./owners";
import { plantChannels } from "./plant";
import { rotationChannels } from "./rotations";
import { systemChannels } from "./system";

export * from "./channel";
export * from "./result";
export * from "./system";
export * from "./collector";
export * from "./jobs";
export * from "./evidence";
export * from "./plant";
export * from "./rotations";
export * from "./identities";
export * from "./owners";
export * from "./certificates";

/** The whole IPC surface: channel name -> request and response schemas. Declared once, here. */
export const contract = {
  ...systemChannels,
  ...jobChannels,
  ...evidenceChannels,
  ...plantChannels,
  ...rotationChannels,
  ...identityChannels,
  ...ownerChannels,
  ...certificateChannels,
} as const satisfies Record<string, ChannelSpec>;

export type Contract = typeof contract;
export type Channel = keyof Contract;
export type RequestOf<C extends Channel> = z.input<Contract[C]["request"]>;
export type ResponseOf<C extends Channel> = z.output<Contract[C]["response"]>;

export const CHANNELS = Object.keys(contract) as readonly Channel[];

export function isChannel(name: unknown): name is Channel {
  return typeof name === "string" && Object.hasOwn(contract, name);
}
export * from "./api";
