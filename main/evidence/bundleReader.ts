import { AppError } from "../../shared/domain/errors";
import { describeIssues } from "../../shared/domain/validation";
import { BUNDLE_ENTRIES, BundleManifest, Envelope, SEALED_ENTRY } from "../../shared/evidence";
import { readTar } from "./tarReader";

export interface BundleLimits {
  readonly maxRecordsBytes: number;
  readonly maxSealedBytes: number;
}

/** 1 GiB of records (about a million records) and 64 KiB per sealed secret. */
export const DEFAULT_LIMITS: BundleLimits = { maxRecordsBytes: 1024 ** 3, maxSealedBytes: 64 * 1024 };

export interface ParsedBundle {
  readonly manifest: BundleManifest;
  readonly envelopes: readonly Envelope[];
  /** Each envelope's line exactly as it was in records.jsonl (what IT stores). */
  readonly lines: readonly string[];
  readonly checkpoint: string;
  readonly devicePem: string;
  readonly sealed: ReadonlyMap<string, Buffer>;
}

const SMALL_LIMITS: Record<string, number> = {
  [BUNDLE_ENTRIES.manifest]: 4 * 1024 * 1024,
  [BUNDLE_ENTRIES.checkpoint]: 16 * 1024,
  [BUNDLE_ENTRIES.devicePem]: 4 * 1024,
};

/** Reads a bundle's entries and parses their formats; signatures and chains are checked by verifyBundle. */
export async function readBundle(path: string, limits: BundleLimits = DEFAULT_LIMITS): Promise<ParsedBundle> {
  const fixed = new Set<string>(Object.values(BUNDLE_ENTRIES));
  const entries = await readTar(path, (name) => fixed.has(name) || SEALED_ENTRY.test(name), {
    maxEntries: 200_000,
    maxEntryBytes: (name) => (name === BUNDLE_ENTRIES.records ? limits.maxRecordsBytes : (SMALL_LIMITS[name] ?? limits.maxSealedBytes)),
  });
  for (const name of fixed) if (!entries.has(name)) throw invalid(`it has no ${name} (a truncated copy, or not a Fieldproof bundle)`);

  const manifestJson = parseJson(entries.get(BUNDLE_ENTRIES.manifest)!, BUNDLE_ENTRIES.manifest);
  const manifest = BundleManifest.safeParse(manifestJson);
  if (!manifest.success) throw invalid(`${BUNDLE_ENTRIES.manifest} is malformed (${describeIssues(manifest.error, 1)})`);

  const text = entries.get(BUNDLE_ENTRIES.records)!.toString("utf8");
  if (text.length > 0 && !text.endsWith("\n")) throw invalid(`${BUNDLE_ENTRIES.records} does not end with a newline (truncated?)`);
  const lines = text.length === 0 ? [] : text.slice(0, -1).split("\n");
  const envelopes: Envelope[] = [];
  lines.forEach((line, index) => {
    const parsed = Envelope.safeParse(parseJson(Buffer.from(line, "utf8"), `line ${index + 1} of ${BUNDLE_ENTRIES.records}`));
    if (!parsed.success) throw invalid(`line ${index + 1} of ${BUNDLE_ENTRIES.records} is not a DSSE envelope (${describeIssues(parsed.error, 1)})`);
    envelopes.push(parsed.data);
  });

  const sealed = new Map<string, Buffer>();
  for (const [name, data] of entries) if (SEALED_ENTRY.test(name)) sealed.set(name, data);

  return {
    manifest: manifest.data,
    envelopes,
    lines,
    checkpoint: entries.get(BUNDLE_ENTRIES.checkpoint)!.toString("utf8"),
    devicePem: entries.get(BUNDLE_ENTRIES.devicePem)!.toString("utf8"),
    sealed,
  };
}

function parseJson(data: Buffer, what: string): unknown {
  try {
    return JSON.parse(data.toString("utf8"));
  } catch {
    throw invalid(`${what} is not valid JSON`);
  }
}

function invalid(reason: string): AppError {
  return new AppError("INTEGRITY_ERROR", `This is not a valid Fieldproof bundle: ${reason}.`);
}
