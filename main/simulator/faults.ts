import type { SimChangeFault, SimFault } from "./types";

/** The current fault of one controller; `once` faults clear themselves when they fire. */
export class FaultSwitch {
  private fault: SimFault | null = null;

  get current(): SimFault | null {
    return this.fault;
  }

  set(fault: SimFault | null): void {
    if (fault?.kind === "hangOnChange" && (!Number.isFinite(fault.ms) || fault.ms < 0)) {
      throw new RangeError(`hangOnChange needs a duration in ms, got ${fault.ms}`);
    }
    this.fault = fault;
  }

  get frozen(): boolean {
    return this.fault?.kind === "freeze";
  }

  /** The change fault that applies to the change being made now (freeze is not one: it acts on the sockets). */
  take(): SimChangeFault | null {
    const fault = this.fault;
    if (!fault || fault.kind === "freeze") return null;
    if (fault.once) this.fault = null;
    return fault;
  }
}

/** What a Part 18 change does under a fault; the caller maps it to a status code. */
export type ChangeOutcome = "applied" | "denied" | "dropped" | "notApplied";

export interface ChangeContext {
  /** Saves the change; `keepOld` keeps the replaced password valid (keepOldPassword fault). */
  apply(options: { keepOld: boolean }): Promise<void>;
  /** Destroys the caller's TCP connection (dropOnChange). */
  dropConnection(): void;
  /** Resolves true after `ms`, or false early when the controller stops (then nothing is applied). */
  sleep(ms: number): Promise<boolean>;
}

/** Runs one authorised, validated change through the controller's fault, if any. */
export async function runChange(fault: SimChangeFault | null, context: ChangeContext): Promise<ChangeOutcome> {
  switch (fault?.kind) {
    case undefined:
      await context.apply({ keepOld: false });
      return "applied";
    case "denyChange":
      return "denied";
    case "keepOldPassword":
      await context.apply({ keepOld: true });
      return "applied";
    case "hangOnChange":
      if (!(await context.sleep(fault.ms)) || fault.apply === false) return "notApplied";
      await context.apply({ keepOld: false });
      return "applied";
    case "dropOnChange":
      if (fault.applyBefore) await context.apply({ keepOld: false });
      context.dropConnection();
      return "dropped";
  }
}
