import { createContext, useContext } from "react";
import type { EvidenceSummary, Settings, SystemInfo } from "../../shared/contract";

export interface AppState {
  readonly info: SystemInfo | undefined;
  readonly settings: Settings | undefined;
  readonly evidence: EvidenceSummary | undefined;
}

export const AppStateContext = createContext<AppState>({ info: undefined, settings: undefined, evidence: undefined });

export function useAppState(): AppState {
  return useContext(AppStateContext);
}
