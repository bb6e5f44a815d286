import { AppError, type ErrorCode } from "../../../shared/domain/errors";
import { cleanText } from "./text";
import { serverRefusal, type ServerRefusal } from "./transports";

/** Where in a call something went wrong. */
export type Stage = "validate" | "discover" | "connect" | "session" | "read" | "call";

export interface OpcUaErrorDetails {
  readonly stage: Stage;
  /** The OPC UA status name when the controller gave one (e.g. "BadUserAccessDenied"). */
  readonly statusCode?: string | null;
  /**
   * True when a change request (ChangePassword, ModifyUser) was sent and no answer came back: the
   * controller may or may not have applied it. The caller must find out (e.g. tryLogin) before retrying.
   */
  readonly outcomeUnknown?: boolean;
}

/**
 * An AppError with what a caller needs to decide what to do next. The dispatcher only passes
 * code and message across IPC; these fields are for main-process callers (the rotation service).
 */
export class OpcUaError extends AppError {
  readonly stage: Stage;
  readonly statusCode: string | null;
  readonly outcomeUnknown: boolean;

  constructor(code: ErrorCode, message: string, details: OpcUaErrorDetails) {
    super(code, message);
    this.name = "OpcUaError";
    this.stage = details.stage;
    this.statusCode = details.statusCode ?? null;
    this.outcomeUnknown = details.outcomeUnknown ?? false;
  }
}

export interface ClassifyContext {
  readonly url: string;
  readonly stage: Stage;
  /** What was being done, after "while" in a message: "reading the endpoints", "calling ChangePassword". */
  readonly action: string;
  readonly userName?: string;
  readonly timeoutMs: number;
  /** A change request is in flight: a cut or a timeout leaves its outcome unknown. */
  readonly changeInFlight?: boolean;
  /** Strings that must never appear in a message (the passwords of this call). */
  readonly secrets: readonly string[];
  /** Fieldproof's own certificate, to name when a controller does not trust it. */
  readonly client?: { readonly thumbprintSha256: string; readonly file: string; readonly notAfter: string } | undefined;
}

const STATUS_NAME = /\b((?:Bad|Uncertain)[A-Za-z0-9]+)\b/;
const ERRNO = /\b(EAI_[A-Z]+|E[A-Z]{4,})\b/;
const NOT_FOUND = /ENOTFOUND|EAI_AGAIN|EAI_NONAME|EAI_FAIL/;
const REFUSED = /ECONNREFUSED|cannot be established/;
const NO_ROUTE = /EHOSTUNREACH|ENETUNREACH|ENETDOWN|EADDRNOTAVAIL/;
// node-opcua's wording when the socket fails or closes before the handshake completes ("timeout was"
// in it is the configured value, not what happened).
const CLOSED_EARLY = /waiting for data on socket/;
const CUT = /disconnected by third party|ECONNRESET|EPIPE|socket hang up|premature|Connection Break|BadConnectionClosed|BadSecureChannelClosed|connection (?:was )?(?:closed|aborted)|aborted|Secure Channel Closed|has been closed|socket closed/i;
const TIMED_OUT = /timed out|ETIMEDOUT|BadTimeout|BadRequestTimeout/i;
const LOGIN_REFUSED = new Set(["BadUserAccessDenied", "BadIdentityTokenInvalid", "BadIdentityTokenRejected", "BadUserSignatureInvalid"]);
const CERTIFICATE = /BadCertificate|BadSecurityChecksFailed|BadSecurityPolicyRejected|BadNoValidCertificates/;

/** The status name carried in a node-opcua error message, if any. */
export function statusNameIn(message: string): string | null {
  return STATUS_NAME.exec(message)?.[1] ?? null;
}

/** Turns whatever node-opcua threw into an OpcUaError with a message that says what to do. */
export function classify(error: unknown, context: ClassifyContext): OpcUaError {
  if (error instanceof OpcUaError) return error;
  if (error instanceof AppError) return new OpcUaError(error.code, error.message, { stage: context.stage });
  const raw = redact(error instanceof Error ? error.message : String(error), context.secrets);
  const status = statusNameIn(raw);
  const detail = cleanText(raw.replace(/\s+/g, " "), 300).text;
  const { url, action } = context;
  const unknown = context.changeInFlight === true;
  const make = (code: ErrorCode, message: string): OpcUaError =>
    new OpcUaError(code, message, { stage: context.stage, statusCode: status, outcomeUnknown: unknown });
  const afterChange = unknown ? " The change may or may not have been applied: check with a login before trying again." : "";

  const refusal = serverRefusal();
  if (refusal && !(status && LOGIN_REFUSED.has(status))) return refused(refusal, context);
  if (context.stage === "session" && status && LOGIN_REFUSED.has(status)) {
    return make("ACCESS_DENIED", `The controller refused the login for ${context.userName ?? "this account"} (${status}). Check the user name and password for ${url}.`);
  }
  const errno = ERRNO.exec(raw)?.[1] ?? null;
  if (NOT_FOUND.test(raw)) {
    return make("UNREACHABLE", `Cannot connect to ${url}: the host name does not resolve (${errno ?? "not found"}). Check the name, or use the controller's IP address.`);
  }
  if (REFUSED.test(raw)) {
    return make("UNREACHABLE", `Cannot connect to ${url}: nothing listens on that port (${errno ?? "refused"}). Check that the controller is on and the port is right (OPC UA usually uses 4840).`);
  }
  if (NO_ROUTE.test(raw)) {
    return make("UNREACHABLE", `Cannot reach ${url}: no route to the host (${errno}). Check the laptop's network connection and the controller's address.`);
  }
  if (CLOSED_EARLY.test(raw)) {
    return make(
      "UNREACHABLE",
      `Cannot connect to ${url}: something accepted the connection but closed it without answering as an OPC UA server. Check the address and port (is this the controller's OPC UA port, not another service?); if it is, the controller or a firewall may refuse this laptop's address.`,
    );
  }
  if (context.stage === "connect" && /rejected by server/.test(raw)) {
    // node-opcua's wording for a secure channel the server closed during the handshake.
    return make(
      "PROTOCOL_ERROR",
      `${url} refused the encrypted channel: it closed it while it was being opened. Nothing was sent. The controller may not trust Fieldproof's application certificate yet (accept it in the controller's certificate settings), or the certificate it listed is not the one it holds.`,
    );
  }
  if (TIMED_OUT.test(raw)) {
    return make("TIMEOUT", `${url} did not answer within ${context.timeoutMs} ms while ${action}.${afterChange}`);
  }
  if (CUT.test(raw)) {
    return make(
      "UNREACHABLE",
      `The connection to ${url} was cut while ${action}: the controller (or a firewall between) closed it.${afterChange || " Try again; if it keeps happening, check the network cable and switch, and the controller's session and connection limits."}`,
    );
  }
  if (status && CERTIFICATE.test(status)) {
    return make(
      "PROTOCOL_ERROR",
      `The secure channel to ${url} could not be opened (${status}): the controller may not trust Fieldproof's certificate yet (accept it in the controller's trust list), or its own certificate does not match the one offered.`,
    );
  }
  if (status) return make("PROTOCOL_ERROR", `${url} answered with ${status} while ${action}: ${explainStatus(status)}${afterChange}`);
  return make(
    "PROTOCOL_ERROR",
    `Failed while ${action} on ${url}, for a reason Fieldproof cannot name (the OPC UA library said: "${detail}").${afterChange || " Try again; if it keeps failing, check the controller's own diagnostics and send logs/opcua.log from the data folder to support."}`,
  );
}

/** What a status a controller answered with means, and what to do, for the ones met in the field. */
const STATUS_WORDS: Readonly<Record<string, string>> = {
  BadUserAccessDenied: "the login was refused. Check the user name and password.",
  BadNotSupported: "the controller does not support this. Check its firmware and OPC UA options.",
  BadServiceUnsupported: "the controller does not offer this service. Check its firmware and OPC UA options.",
  BadNotImplemented: "the controller does not implement this. Check its firmware and OPC UA options.",
  BadNodeIdUnknown: "the controller does not have the node Fieldproof asked for (often a feature its firmware lacks).",
  BadNodeIdInvalid: "the controller does not have the node Fieldproof asked for (often a feature its firmware lacks).",
  BadMethodInvalid: "the controller does not have the method Fieldproof called (often a feature its firmware lacks).",
  BadArgumentsMissing: "the controller expected other arguments for this call: its firmware may implement another version of the method.",
  BadInvalidArgument: "the controller refused a value Fieldproof sent: its firmware may implement another version of the method.",
  BadTypeMismatch: "the controller expected another type of value: its firmware may implement another version of the method.",
  BadNotWritable: "the controller does not let this login change that. Check the login's roles on the controller.",
  BadNotReadable: "the controller does not let this login read that. Check the login's roles on the controller.",
  BadSessionIdInvalid: "the controller ended the session (it may have restarted). Try again.",
  BadSessionClosed: "the controller closed the session (it may have restarted). Try again.",
  BadTooManyOperations: "the controller refused a request this large. Try again; if it keeps happening, tell support which controller it was.",
  BadOutOfMemory: "the controller is short of memory. Try again later; close other sessions on it.",
  BadInternalError: "the controller reported an internal error. Try again; if it keeps happening, check the controller's own diagnostics.",
  BadUnexpectedError: "the controller reported an unexpected error. Try again; if it keeps happening, check the controller's own diagnostics.",
  BadCommunicationError: "the connection failed at a low level. Check the network and try again.",
  BadEncodingError: "the controller could not encode its answer. Check the controller's firmware; send logs/opcua.log to support.",
  BadDecodingError: "Fieldproof could not read the controller's answer. Check the controller's firmware; send logs/opcua.log to support.",
  BadUserSignatureInvalid: "the controller refused the login's signature. Check the user name and password.",
};

/** A status in plain words: the known ones, else what kind it is and what to do. */
export function explainStatus(status: string): string {
  const known = STATUS_WORDS[status];
  if (known) return known;
  if (status.startsWith("Uncertain")) return "the controller was not sure of its answer. Try again; check the controller's own diagnostics for what it means there.";
  return "an OPC UA error code Fieldproof has no plain explanation for. Try again; if it keeps happening, look the code up in the controller's manual or diagnostics.";
}

const NOT_TRUSTED = new Set(["BadCertificateUntrusted", "BadCertificateInvalid", "BadCertificateUseNotAllowed", "BadCertificateUriInvalid", "BadCertificateChainIncomplete", "BadCertificateIssuerRevocationUnknown", "BadCertificateRevocationUnknown"]);
/** Said when a channel fails its checks for either reason (servers give no more, so as to tell an attacker nothing). */
const CHECKS_FAILED = new Set(["BadSecurityChecksFailed", "BadTcpInternalError", "BadSecureChannelIdInvalid"]);
const BUSY = new Set(["BadTcpServerTooBusy", "BadTooManySessions", "BadTcpNotEnoughResources", "BadResourceUnavailable", "BadServerHalted"]);

/** The controller's own refusal (its ERR message), said in words a technician can act on. */
function refused(refusal: ServerRefusal, context: ClassifyContext): OpcUaError {
  const { url } = context;
  const status = refusal.status;
  const said = refusal.reason ? ` It said: "${cleanText(redact(refusal.reason, context.secrets), 200).text}".` : "";
  const make = (code: ErrorCode, message: string): OpcUaError => new OpcUaError(code, `${message}${said}`, { stage: context.stage, statusCode: status });
  const client = context.client;
  if (NOT_TRUSTED.has(status)) {
    const which = client ? ` (SHA-256 thumbprint ${client.thumbprintSha256}, file ${client.file})` : "";
    return make(
      "ACCESS_DENIED",
      `${url} does not trust Fieldproof's certificate yet (${status}). Nothing was sent. On the controller, add the laptop's certificate${which} to its trusted list, or accept it from its rejected list; then scan again. To carry a copy to the controller's tool: fieldproof info --client-certificate FILE.der, or Settings.`,
    );
  }
  if (CHECKS_FAILED.has(status) && (context.stage === "connect" || context.stage === "discover")) {
    const which = client ? ` (SHA-256 thumbprint ${client.thumbprintSha256}, file ${client.file})` : "";
    return make(
      "PROTOCOL_ERROR",
      `${url} refused the encrypted channel (${status}). Nothing was sent. Most often the controller may not trust Fieldproof's application certificate yet: add it${which} to the controller's trusted list, or accept it from its rejected list, then scan again. If it already trusts it, the certificate the controller listed is not the one it holds: check the controller before trusting its certificate again.`,
    );
  }
  if (status === "BadCertificateTimeInvalid") {
    return make("ACCESS_DENIED", `${url} refused Fieldproof's certificate as expired or not yet valid (${status}). Nothing was sent. Check the laptop's and the controller's clocks${client ? `; the laptop's certificate is valid until ${client.notAfter}` : ""}.`);
  }
  if (status === "BadCertificateRevoked") {
    return make("ACCESS_DENIED", `${url} has revoked Fieldproof's certificate (${status}). Nothing was sent. Ask whoever manages the controller's trust list why.`);
  }
  if (status === "BadSecurityPolicyRejected" || status === "BadSecurityModeRejected") {
    return make(
      "PROTOCOL_ERROR",
      `${url} refused the security Fieldproof asked for (${status}). Nothing was sent. Fieldproof sends passwords only over SignAndEncrypt with Basic256Sha256 or newer: enable that on the controller (a scan lists the policies it offers).`,
    );
  }
  if (BUSY.has(status)) return make("UNREACHABLE", `${url} is too busy to take another connection (${status}). Try again later, or close other sessions on it.`);
  if (status === "BadTcpEndpointUrlInvalid") return make("PROTOCOL_ERROR", `${url} does not serve that endpoint (${status}). Check the path after the port in the address.`);
  return make("PROTOCOL_ERROR", `${url} refused the connection while ${context.action} (${status}): ${explainStatus(status)}`);
}

/** Removes every secret from a message, however it got there. */
export function redact(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const secret of secrets) if (secret.length > 0) out = out.split(secret).join("***");
  return out;
}
