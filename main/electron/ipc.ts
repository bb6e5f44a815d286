import { ipcMain } from "electron";
import { CHANNELS } from "../../shared/contract";
import type { Dispatch } from "../ipc";

/** One ipcMain handler per contract channel; each passes the sender frame to the dispatcher to check. */
export function registerIpc(dispatch: Dispatch): void {
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, (event, payload: unknown) =>
      dispatch(channel, payload, {
        url: event.senderFrame?.url ?? "",
        isMainFrame: event.senderFrame !== null && event.senderFrame === event.sender.mainFrame,
      }),
    );
  }
}
