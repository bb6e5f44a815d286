// Data loading through TanStack Query. Answers are cached per channel and request, a write marks
// what it changed stale (effects.ts), and errors stay values: the query function returns main's
// Result and never throws, so nothing is thrown into React and nothing is retried behind the
// technician's back.
import { keepPreviousData, QueryClient, skipToken, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import type { ErrorValue, RequestOf, ResponseOf, Result } from "../../shared/contract";
import { call } from "./api";
import { staleAfter, type ReadChannel, type WriteChannel } from "./effects";

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      // Fresh on every visit to a screen (the store can change under it: a job, the demo plant),
      // no refetch when the window regains focus (100,000 identities are not reloaded on a click).
      queries: { staleTime: 0, retry: false, refetchOnWindowFocus: false, refetchOnReconnect: false },
      mutations: { retry: false },
    },
  });
}

export interface ApiState<T> {
  readonly data: T | undefined;
  readonly error: ErrorValue | undefined;
  /** No answer yet for this request (false while it is not asked: request null). */
  readonly loading: boolean;
}

export interface ApiOptions {
  /** Keep showing the previous request's answer while the next one loads (paging). */
  readonly keepPrevious?: boolean;
  /** Ask again every so many ms: for state main changes by itself (the automatic sync). */
  readonly pollMs?: number;
}

/**
 * Loads one channel's answer for one request; `null` means "not now" (nothing is asked, no dummy
 * request). It loads again by itself when a write makes it stale.
 */
export function useApi<C extends ReadChannel>(channel: C, request: RequestOf<C> | null, options: ApiOptions = {}): ApiState<ResponseOf<C>> {
  const query = useQuery({
    queryKey: [channel, request],
    // skipToken is TanStack's typed `enabled: false`: no query function, so no dummy request either.
    queryFn: request === null ? skipToken : (): Promise<Result<ResponseOf<C>>> => call(channel, request),
    placeholderData: options.keepPrevious ? keepPreviousData : undefined,
    refetchInterval: options.pollMs ?? false,
  });
  const result = query.data;
  return {
    data: result?.ok ? result.value : undefined,
    error: result && !result.ok ? result.error : undefined,
    loading: request !== null && query.isPending,
  };
}

/** Marks stale what a write changed; for a job (scan, rotation, export), call it once the job ended. */
export function useAfterWrite(): (channel: WriteChannel) => Promise<void> {
  const client = useQueryClient();
  return useCallback(
    async (channel: WriteChannel) => {
      const stale = staleAfter(channel);
      if (stale === "all") return client.invalidateQueries();
      await Promise.all(stale.map((c) => client.invalidateQueries({ queryKey: [c] })));
    },
    [client],
  );
}

export interface Write<C extends WriteChannel> {
  /** Calls main; on success what the write changed is marked stale. Never throws. */
  readonly run: (request: RequestOf<C>) => Promise<Result<ResponseOf<C>>>;
  readonly busy: boolean;
}

/** One write channel: its call, and whether it is under way (for the busy state of its button). */
export function useWrite<C extends WriteChannel>(channel: C): Write<C> {
  const afterWrite = useAfterWrite();
  const mutation = useMutation({
    mutationFn: (request: RequestOf<C>): Promise<Result<ResponseOf<C>>> => call(channel, request),
    onSuccess: (result) => {
      // Not awaited: the technician sees the answer at once; the screens behind reload meanwhile.
      if (result.ok) void afterWrite(channel);
    },
  });
  return { run: mutation.mutateAsync, busy: mutation.isPending };
}
