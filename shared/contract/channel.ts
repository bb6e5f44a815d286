import type { z } from "zod";

/** One IPC channel: what the renderer may send, and what main answers. */
export interface ChannelSpec<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  readonly request: Req;
  readonly response: Res;
  /** Short description for logs and docs. */
  readonly summary: string;
}

export function channel<Req extends z.ZodType, Res extends z.ZodType>(
  request: Req,
  response: Res,
  summary: string,
): ChannelSpec<Req, Res> {
  return { request, response, summary };
}
