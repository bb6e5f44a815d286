import type { z } from "zod";

/**
 * One line naming each bad field, for every place that shows a technician why input was refused
 * (IPC requests, CLI options, plant files, CSV rows, bundle manifests):
 * "deviceName: device name must not be empty; unexpected field theme2".
 */
export function describeIssues(error: z.ZodError, max = 5): string {
  return error.issues
    .slice(0, max)
    .map((issue) => {
      const path = issue.path.map(String).join(".");
      if (issue.code === "unrecognized_keys") {
        const keys = issue.keys.map((k) => (path ? `${path}.${k}` : k)).join(", ");
        return `unexpected field ${keys}`;
      }
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join("; ");
}
