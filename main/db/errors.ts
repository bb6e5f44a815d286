import { AppError } from "../../shared/domain/errors";

/** The store cannot be used as it is; the message tells the technician what to do. Nothing was written. */
export class StoreOpenError extends AppError {
  constructor(
    readonly reason: "from-future" | "corrupt" | "unreadable",
    message: string,
  ) {
    super(reason === "unreadable" ? "IO_ERROR" : reason === "corrupt" ? "INTEGRITY_ERROR" : "PRECONDITION_FAILED", message);
    this.name = "StoreOpenError";
  }
}
