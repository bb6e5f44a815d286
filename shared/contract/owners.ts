import type { ChannelSpec } from "./channel";

/** People, teams, ownership, holders, uses, authority and CSV (issue 6). */
export const ownerChannels = {} satisfies Record<string, ChannelSpec>;
