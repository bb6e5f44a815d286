import { createHash, X509Certificate } from "node:crypto";
import type { ClientSession, NodeId, ReferenceDescription } from "node-opcua";
import type { CertificateGroupInfo, CertificateRef, CertificateSetup, MethodAccess, TrustListInfo } from "../port";
import type { GapList } from "./gaps";
import type { CallGuard } from "./guard";
import type { Ua } from "./loader";
import { NODE } from "./reads";

/**
 * Part 12 push certificate management, read only: what a controller offers for a certificate
 * rotation, found by browsing (groups, their certificate types and trust lists) rather than by the
 * standard node ids alone, because servers add groups of their own and leave optional parts out.
 * A thin client over session.browse / read / call (node-opcua-server-configuration's client writes
 * no trust list and truncates reads at 64 KiB; see docs/certificates.md).
 */

const SERVER_CONFIGURATION = 12637;
/** FileType Open mode: Read (OPC 10000-5 §C.2.1). */
const OPEN_READ = 1;
/** Each FileType Read asks for at most this; a server may answer less. */
const READ_CHUNK = 32_768;
/** A trust list larger than this is not read whole (its size is still reported). */
export const MAX_TRUST_LIST_READ = 4 * 1024 * 1024;
const ATTRIBUTE = { value: 13, executable: 21, userExecutable: 22 } as const;
/** TrustListMasks (OPC 10000-12 §7.8.2.8). */
const MASK = { trustedCertificates: 1, trustedCrls: 2, issuerCertificates: 4, issuerCrls: 8 } as const;

type Children = Map<string, ReferenceDescription>;

async function children(session: ClientSession, guard: CallGuard, ua: Ua, nodeId: NodeId | number, what: string): Promise<Children> {
  const result = await guard.step({ stage: "read", action: `browsing ${what}` }, () =>
    session.browse({ nodeId, browseDirection: ua.BrowseDirection.Forward, referenceTypeId: "HierarchicalReferences", includeSubtypes: true, nodeClassMask: 0, resultMask: 63 }),
  );
  const out: Children = new Map();
  if (!result.statusCode.isGood()) return out;
  for (const ref of result.references ?? []) out.set(ref.browseName.name ?? "", ref);
  return out;
}

function thumbprint(der: Buffer): string {
  return createHash("sha256").update(der).digest("hex");
}

function certificateRef(der: Buffer): CertificateRef {
  try {
    const cert = new X509Certificate(der);
    return { sha256: thumbprint(der), subject: cert.subject.replace(/\n/g, ", ").slice(0, 500), notAfter: new Date(cert.validTo).toISOString() };
  } catch {
    return { sha256: thumbprint(der), subject: "(not a readable certificate)", notAfter: "" };
  }
}

/** The certificate type names a server's NodeIds stand for (ns 0), from node-opcua's own table. */
function typeNames(ua: Ua): Map<string, string> {
  const names = new Map<string, string>();
  for (const [name, id] of Object.entries(ua.ObjectTypeIds as unknown as Record<string, number>)) names.set(`ns=0;i=${id}`, name);
  return names;
}

/**
 * TrustListDataType, binary (OPC 10000-12 §7.8.2.8, encoded per OPC 10000-6): SpecifiedLists, then
 * four arrays of ByteString. Bounds-checked: a short or hostile file is reported, not trusted.
 */
export function decodeTrustList(ua: Ua, data: Buffer): { specified: number; trusted: Buffer[]; trustedCrls: Buffer[]; issuers: Buffer[]; issuerCrls: Buffer[] } {
  const stream = new ua.BinaryStream(data);
  const need = (bytes: number): void => {
    if (stream.length + bytes > data.length) throw new Error("the trust list file ends inside a field");
  };
  need(4);
  const specified = stream.readUInt32();
  const list = (): Buffer[] => {
    need(4);
    const count = stream.readInteger();
    if (count < 0) return [];
    if (count > 100_000) throw new Error(`the trust list claims ${count} entries`);
    const out: Buffer[] = [];
    for (let i = 0; i < count; i++) {
      need(4);
      const length = data.readInt32LE(stream.length);
      if (length > 0) need(4 + length);
      const bytes = stream.readByteStream();
      if (bytes) out.push(Buffer.from(bytes));
    }
    return out;
  };
  return { specified, trusted: list(), trustedCrls: list(), issuers: list(), issuerCrls: list() };
}

async function readTrustList(session: ClientSession, guard: CallGuard, ua: Ua, trustList: ReferenceDescription, groupName: string, gaps: GapList): Promise<TrustListInfo | null> {
  const parts = await children(session, guard, ua, trustList.nodeId, `${groupName}'s trust list`);
  const open = parts.get("Open");
  const read = parts.get("Read");
  const close = parts.get("Close");
  const sizeNode = parts.get("Size");
  if (!open || !read || !close) {
    gaps.add("certificates", "BadNotSupported", `${groupName}'s trust list has no FileType Open/Read/Close methods: it cannot be read or written over OPC UA.`);
    return null;
  }
  let size: number | null = null;
  if (sizeNode) {
    const value = await guard.step({ stage: "read", action: "reading the trust list's size" }, () => session.read({ nodeId: sizeNode.nodeId, attributeId: ATTRIBUTE.value }));
    const raw: unknown = value.value.value;
    if (value.statusCode.isGood()) size = Array.isArray(raw) ? Number((raw as number[])[1] ?? 0) * 2 ** 32 + Number((raw as number[])[0] ?? 0) : Number(raw);
  }
  const { DataType } = ua;
  const opened = await guard.step({ stage: "read", action: "opening the trust list" }, () =>
    session.call({ objectId: trustList.nodeId, methodId: open.nodeId, inputArguments: [{ dataType: DataType.Byte, value: OPEN_READ }] }),
  );
  if (!opened.statusCode.isGood()) {
    gaps.add("certificates", opened.statusCode.name, `${groupName}'s trust list could not be opened for reading (${opened.statusCode.name})${opened.statusCode.name === "BadUserAccessDenied" ? ": the login needs the SecurityAdmin role" : ""}.`);
    return null;
  }
  const handle: unknown = opened.outputArguments?.[0]?.value;
  const chunks: Buffer[] = [];
  let total = 0;
  let truncated = false;
  try {
    for (;;) {
      const answer = await guard.step({ stage: "read", action: "reading the trust list" }, () =>
        session.call({ objectId: trustList.nodeId, methodId: read.nodeId, inputArguments: [{ dataType: DataType.UInt32, value: handle }, { dataType: DataType.Int32, value: READ_CHUNK }] }),
      );
      if (!answer.statusCode.isGood()) {
        gaps.add("certificates", answer.statusCode.name, `Reading ${groupName}'s trust list failed after ${total} bytes (${answer.statusCode.name}).`);
        return null;
      }
      const bytes: unknown = answer.outputArguments?.[0]?.value;
      const chunk = Buffer.isBuffer(bytes) ? bytes : Buffer.alloc(0);
      if (chunk.length === 0) break;
      chunks.push(chunk);
      total += chunk.length;
      if (total >= MAX_TRUST_LIST_READ) {
        truncated = true;
        break;
      }
    }
  } finally {
    await guard
      .step({ stage: "read", action: "closing the trust list" }, () => session.call({ objectId: trustList.nodeId, methodId: close.nodeId, inputArguments: [{ dataType: DataType.UInt32, value: handle }] }))
      .catch(() => undefined);
  }
  if (truncated) {
    gaps.add("certificates", "BadEncodingLimitsExceeded", `${groupName}'s trust list is larger than ${MAX_TRUST_LIST_READ} bytes; it was not read whole.`);
    return { bytes: size ?? total, trusted: [], issuers: [], trustedCrls: 0, issuerCrls: 0, complete: false };
  }
  try {
    const list = decodeTrustList(ua, Buffer.concat(chunks));
    return {
      bytes: total,
      trusted: list.specified & MASK.trustedCertificates ? list.trusted.map(certificateRef) : [],
      issuers: list.specified & MASK.issuerCertificates ? list.issuers.map(certificateRef) : [],
      trustedCrls: list.specified & MASK.trustedCrls ? list.trustedCrls.length : 0,
      issuerCrls: list.specified & MASK.issuerCrls ? list.issuerCrls.length : 0,
      complete: true,
    };
  } catch (error) {
    gaps.add("certificates", "BadDecodingError", `${groupName}'s trust list could not be decoded: ${(error as Error).message}.`);
    return null;
  }
}

/**
 * Everything a certificate rotation needs to know first, read only: whether the Part 12 methods are
 * there and this login may call them, the private key formats, the trust list size limit, and each
 * certificate group with its types and trust list. What could not be read is a gap that says why.
 */
export async function readCertificateSetup(session: ClientSession, guard: CallGuard, ua: Ua, gaps: GapList): Promise<Omit<CertificateSetup, "endpointCertificates" | "channelCertificateSha256" | "serverTime" | "gaps">> {
  const config = await children(session, guard, ua, SERVER_CONFIGURATION, "ServerConfiguration");
  const methodNames = ["CreateSigningRequest", "UpdateCertificate", "ApplyChanges", "GetRejectedList"] as const;
  const standard: Record<(typeof methodNames)[number], number> = { CreateSigningRequest: NODE.createSigningRequest, UpdateCertificate: NODE.updateCertificate, ApplyChanges: NODE.applyChanges, GetRejectedList: 12777 };
  const reads = [
    ...methodNames.flatMap((name) => {
      const nodeId = config.get(name)?.nodeId ?? standard[name];
      return [
        { nodeId, attributeId: ATTRIBUTE.executable },
        { nodeId, attributeId: ATTRIBUTE.userExecutable },
      ];
    }),
    ...(["SupportedPrivateKeyFormats", "MaxTrustListSize"] as const).map((name) => ({ nodeId: config.get(name)?.nodeId ?? 0, attributeId: ATTRIBUTE.value })),
  ];
  const values = await guard.step({ stage: "read", action: "reading ServerConfiguration" }, () => session.read(reads));
  const methods = {} as Record<(typeof methodNames)[number], MethodAccess>;
  methodNames.forEach((name, i) => {
    const executable = values[i * 2];
    const userExecutable = values[i * 2 + 1];
    const yes = (v: typeof executable): boolean => v?.statusCode.isGood() === true && v.value.value === true;
    methods[name] = !yes(executable) ? "absent" : yes(userExecutable) ? "callable" : "not-permitted";
  });
  const formats = values[methodNames.length * 2];
  const maxSize = values[methodNames.length * 2 + 1];
  const supportedPrivateKeyFormats = formats?.statusCode.isGood() && Array.isArray(formats.value.value) ? (formats.value.value as unknown[]).map(String).slice(0, 20) : null;
  const maxTrustListSize = maxSize?.statusCode.isGood() && typeof maxSize.value.value === "number" ? maxSize.value.value : null;

  const groups: CertificateGroupInfo[] = [];
  const folder = config.get("CertificateGroups");
  if (!folder) {
    if (methods.UpdateCertificate !== "absent") gaps.add("certificates", "BadNodeIdUnknown", "ServerConfiguration has no CertificateGroups folder: the certificate groups and trust lists could not be found.");
  } else {
    const names = typeNames(ua);
    for (const [groupName, group] of await children(session, guard, ua, folder.nodeId, "the certificate groups")) {
      const parts = await children(session, guard, ua, group.nodeId, groupName);
      const typesNode = parts.get("CertificateTypes");
      let certificateTypes: string[] = [];
      if (typesNode) {
        const value = await guard.step({ stage: "read", action: `reading ${groupName}'s certificate types` }, () => session.read({ nodeId: typesNode.nodeId, attributeId: ATTRIBUTE.value }));
        const raw: unknown = value.value.value;
        if (value.statusCode.isGood() && Array.isArray(raw)) certificateTypes = (raw as NodeId[]).map((id) => names.get(id.toString()) ?? id.toString());
      }
      const trustList = parts.get("TrustList");
      groups.push({ name: groupName, nodeId: group.nodeId.toString(), certificateTypes, trustList: trustList ? await readTrustList(session, guard, ua, trustList, groupName, gaps) : null });
    }
  }
  return { methods, supportedPrivateKeyFormats, maxTrustListSize, groups };
}
