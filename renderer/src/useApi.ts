import { useCallback, useEffect, useRef, useState } from "react";
import type { Channel, ErrorValue, RequestOf, ResponseOf } from "../../shared/contract";
import { call } from "./api";

export interface ApiState<T> {
  readonly data: T | undefined;
  readonly error: ErrorValue | undefined;
  readonly loading: boolean;
  readonly reload: () => void;
}

/** Loads one channel's answer and reloads it on demand; errors stay values for the screen to show. */
export function useApi<C extends Channel>(channel: C, request: RequestOf<C>, key = ""): ApiState<ResponseOf<C>> {
  const [data, setData] = useState<ResponseOf<C>>();
  const [error, setError] = useState<ErrorValue>();
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const requestRef = useRef(request);
  requestRef.current = request;

  useEffect(() => {
    let live = true;
    setLoading(true);
    void call(channel, requestRef.current).then((result) => {
      if (!live) return;
      if (result.ok) {
        setData(result.value);
        setError(undefined);
      } else {
        setError(result.error);
      }
      setLoading(false);
    });
    return () => {
      live = false;
    };
  }, [channel, key, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}
