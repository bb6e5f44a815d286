import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import { AppError } from "../../shared/domain/errors";
import { readSmallFile } from "../services/evidenceService";
import { CA_ROOT_FILE, DEFAULT_CRL_DAYS, ItCaService, MAX_INTERMEDIATE_DAYS } from "../services/itCaService";
import { derOf, REVOCATION_REASONS, type RevocationReason } from "../evidence/siteCa";
import type { CliContext } from "./context";
import { json } from "./io";
import { passphraseFrom } from "./prompt";

const repeat = (v: string, all: string[]): string[] => [...all, v];

/** `--out DIR`: an existing folder, or one made in an existing folder; a file or an unwritable place is refused in words. */
function outputFolder(dir: string): void {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new AppError("INVALID_REQUEST", `--out ${dir} is a file; give a folder to write the certificate and chain into. Nothing was issued.`);
    return;
  }
  try {
    mkdirSync(dir);
  } catch (error) {
    throw new AppError("IO_ERROR", `--out ${dir} could not be made (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); give a folder that exists or can be made in one that does. Nothing was issued.`, { cause: error });
  }
}

function days(max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1 || n > max) throw new InvalidArgumentError(`expected a whole number of days from 1 to ${max}`);
    return n;
  };
}

/**
 * The site CA: on IT's offline workstation `it ca init|issue`; on the laptop `ca request|install|list`
 * and `certificates issue` (the manual path: a controller's CSR in, its certificate and chain out as
 * files for the vendor tool, recorded whole).
 */
export function registerCaCommands(program: Command, ctx: CliContext): void {
  const { io } = ctx;
  const itCmd = program.commands.find((c) => c.name() === "it");
  if (!itCmd) throw new Error("the it command must be registered before the site CA commands");
  const itCa = itCmd.command("ca").description("IT's offline site CA: make the root, sign a laptop's issuing CA for a site");
  // Choosing the CA passphrase (asked twice at a terminal) at init; typing it at issue.
  const openCa = (itDir: string | undefined, choosing: boolean): ItCaService => new ItCaService(ctx.openIt(itDir), () => passphraseFrom("FIELDPROOF_CA_PASSPHRASE", "CA passphrase", choosing));

  itCa
    .command("init")
    .description("make the site CA's root in IT's folder (its key sealed with a CA passphrase of its own; keep this machine offline)")
    .option("--it-dir <dir>", "IT's folder (or FIELDPROOF_IT_DIR)")
    .option("--name <name>", "the root's name, e.g. the company", "Fieldproof site CA")
    .option("--json", "print the result as JSON")
    .action(async (opts: { itDir?: string; name: string; json?: boolean }) => {
      const made = await openCa(opts.itDir, true).init(opts.name);
      if (opts.json) return io.out(json(made));
      io.out(`Site CA root made: ${made.certificate} (${made.subject}, SHA-256 ${made.sha256}, valid until ${made.notAfter}).`);
      io.out(`Its key is sealed with the CA passphrase; keep it offline. The root's pin is now in ${made.trust}: give laptops that file again (fieldproof it trust), then they ask for an issuing CA with fieldproof ca request; sign theirs with fieldproof it ca issue.`);
    });

  itCa
    .command("issue")
    .description("sign a laptop's issuing CA for one site, from its request file (compare the device fingerprint with the laptop first)")
    .requiredOption("--request <file>", "the request the laptop wrote (fieldproof ca request)")
    .requiredOption("--device <fingerprint>", "the laptop's device key fingerprint, as its Settings › IT collector or fieldproof info shows it")
    .requiredOption("--site <site>", "the site the laptop works on")
    .option("--days <n>", `validity in days (at most ${MAX_INTERMEDIATE_DAYS})`, days(MAX_INTERMEDIATE_DAYS), 90)
    .option("--out <file>", "where to write the answer for the laptop (default: in IT's folder)")
    .option("--it-dir <dir>", "IT's folder (or FIELDPROOF_IT_DIR)")
    .option("--json", "print the result as JSON")
    .action(async (opts: { request: string; device: string; site: string; days: number; out?: string; itDir?: string; json?: boolean }) => {
      const issued = await openCa(opts.itDir, false).issue(resolve(opts.request), { device: opts.device, site: opts.site, days: opts.days, ...(opts.out ? { out: resolve(opts.out) } : {}) });
      if (opts.json) return io.out(json(issued));
      io.out(`Issuing CA for "${opts.site}" signed: serial ${issued.serial}, SHA-256 ${issued.sha256}, valid until ${issued.notAfter}.`);
      io.out(`Give the laptop ${issued.out} (fieldproof ca install FILE). Logged in ${join(ctx.itDir(opts.itDir), "site-ca-issued.jsonl")}.`);
    });

  itCa
    .command("revoke")
    .description("revoke an issuing certificate IT signed (a lost or retired laptop) and write a new root CRL")
    .requiredOption("--serial <serial>", "its serial, as site-ca-issued.jsonl or fieldproof ca list shows it")
    .option("--reason <reason>", `one of ${REVOCATION_REASONS.join(", ")}`, "unspecified")
    .option("--it-dir <dir>", "IT's folder (or FIELDPROOF_IT_DIR)")
    .action(async (opts: { serial: string; reason: RevocationReason; itDir?: string }) => {
      const r = await openCa(opts.itDir, false).revoke(opts.serial, opts.reason);
      io.out(`Revoked ${r.serial} (${opts.reason}); ${r.revokedCount} revoked in all. New CRL: ${r.crl}. Carry it to the laptops (fieldproof ca update-crl FILE) and the controllers' trust lists.`);
    });
  itCa
    .command("crl")
    .description("write a fresh root CRL (site-ca-root.crl), before the last one's next update")
    .option("--days <n>", "days it is valid", days(397), DEFAULT_CRL_DAYS)
    .option("--it-dir <dir>", "IT's folder (or FIELDPROOF_IT_DIR)")
    .action(async (opts: { days: number; itDir?: string }) => {
      const r = await openCa(opts.itDir, false).crl(opts.days);
      io.out(`CRL written: ${r.crl} (${r.revokedCount} revoked; next update due ${r.nextUpdate}). Carry it to the laptops (fieldproof ca update-crl FILE).`);
    });

  const ca = program.command("ca").description("this laptop's issuing CA for a site, from IT");
  ca.command("update-crl <file>")
    .description("install IT's newer root CRL (site-ca-root.crl): an issuing certificate it revokes signs nothing more")
    .action(async (file: string) => {
      await ctx.unlock();
      const r = await ctx.invoke("ca.updateCrl", { path: resolve(file) });
      io.out(r.sites.length ? `CRL of ${r.thisUpdate} installed for ${r.sites.join(", ")} (${r.revoked} revoked; next update due ${r.nextUpdate ?? "not said"}).` : `This laptop holds this CRL already (of ${r.thisUpdate}); nothing changed.`);
      for (const site of r.revokedSites) io.out(`REVOKED: IT revoked this laptop's issuing certificate for "${site}"; it signs nothing more. Ask IT for a new one: fieldproof ca request --site "${site}".`);
    });
  ca.command("request")
    .description("make this laptop's key for a site's issuing CA and write the request for IT")
    .requiredOption("--site <site>", "the site, as IT names it")
    .requiredOption("--out <file>", "where to write the request (a USB stick)")
    .action(async (opts: { site: string; out: string }) => {
      await ctx.unlock();
      const r = await ctx.invoke("ca.request", { site: opts.site, out: resolve(opts.out) });
      io.out(`Request for site "${r.site}" written to ${r.out}. Give it to IT with this laptop's fingerprint ${r.deviceFingerprint}:`);
      io.out(`  fieldproof it ca issue --request ${r.out} --device "${r.deviceFingerprint}" --site "${r.site}"`);
      io.out("The key stays on this laptop; install IT's answer with fieldproof ca install FILE.");
    });
  ca.command("install <file>")
    .description("install IT's answer (checked against IT's key, this laptop's request and the chain)")
    .action(async (file: string) => {
      await ctx.unlock();
      const s = await ctx.invoke("ca.install", { path: resolve(file) });
      io.out(`Site CA for "${s.site}" installed: ${s.subject}, serial ${s.serial}, valid until ${s.notAfter}; root ${s.rootSubject} (SHA-256 ${s.rootSha256}).`);
    });
  ca.command("list")
    .description("the site CAs installed on this laptop")
    .option("--json", "print them as JSON")
    .action(async (opts: { json?: boolean }) => {
      const list = await ctx.invoke("ca.list", {});
      if (opts.json) return io.out(json(list));
      if (list.length === 0) return io.out("No site CA is installed. Ask IT for one: fieldproof ca request --site SITE --out FILE.");
      for (const s of list) io.out(`${s.site}: ${s.state.toUpperCase()}, ${s.subject}, serial ${s.serial}, ${s.notBefore} .. ${s.notAfter}; root ${s.rootSubject}; root CRL of ${s.crlThisUpdate}, next due ${s.crlNextUpdate ?? "not said"}`);
    });

  const certs = program.command("certificates").description("controller certificates from the site CA");
  certs
    .command("revoke")
    .description("revoke a controller certificate this laptop issued, and write the issuing CA's CRL for the controller's clients")
    .requiredOption("--site <site>", "the site CA it was issued from")
    .requiredOption("--serial <serial>", "its serial (fieldproof records --json, kind certificate.issued)")
    .requiredOption("--out <file>", "where to write the CRL (every certificate this issuing CA revoked)")
    .option("--reason <reason>", `one of ${REVOCATION_REASONS.join(", ")}`, "unspecified")
    .action(async (opts: { site: string; serial: string; out: string; reason: RevocationReason }) => {
      await ctx.unlock();
      const r = await ctx.invoke("certificates.revoke", { site: opts.site, serial: opts.serial, reason: opts.reason, out: resolve(opts.out) });
      io.out(`Revoked ${r.serial} (${r.controllerId}); ${r.revokedCount} revoked by this issuing CA. CRL: ${r.out}: put it in the trust lists of the controller's clients.`);
    });
  certs
    .command("preflight <controller>")
    .description("read a controller's Part 12 set-up (methods, groups, certificate types, trust list, clock) without changing anything: can a rotation push, or is it the manual path")
    .option("--json", "print the whole reading as JSON")
    .action(async (controllerId: string, opts: { json?: boolean }) => {
      await ctx.unlock();
      const p = await ctx.invoke("certificates.preflight", { controllerId });
      if (opts.json) return io.out(json(p));
      const verdict = { push: "PUSH: a Part 12 rotation can run", manual: "MANUAL: no Part 12 push; use the manual path", blocked: "BLOCKED: fix what is below first" }[p.verdict];
      io.out(`${controllerId}: ${verdict}`);
      for (const n of p.notes) io.out(`  ${n.severity === "blocker" ? "BLOCKER" : n.severity === "warning" ? "warning" : "info   "} ${n.text}`);
      const s = p.setup;
      io.out(`  methods: ${Object.entries(s.methods).map(([k, v]) => `${k} ${v}`).join(", ")}`);
      io.out(`  clock: ${s.serverTime ?? "not read"}${s.clockSkewSeconds === null ? "" : ` (${s.clockSkewSeconds >= 0 ? "+" : ""}${s.clockSkewSeconds} s against this laptop)`}`);
      for (const g of s.groups) {
        const list = g.trustList;
        io.out(`  group ${g.name}: ${g.certificateTypes.join(", ") || "no certificate types listed"}; trust list ${list ? (list.complete ? `${list.trusted.length} trusted, ${list.issuers.length} issuers, ${list.trustedCrls + list.issuerCrls} CRLs, ${list.bytes} bytes` : `${list.bytes} bytes, not read whole`) : "not read"}`);
      }
      for (const gap of s.gaps) io.out(`  not read (${gap.code}): ${gap.message}`);
    });
  certs
    .command("issue")
    .description("issue a controller's certificate for its CSR (the manual path: files for the vendor tool), recorded whole")
    .requiredOption("--site <site>", "the site CA to issue from")
    .requiredOption("--controller <id>", "the controller it is for (its id, as the Plant screen or fieldproof scan --json shows it)")
    .requiredOption("--csr <file>", "the controller's certificate signing request (PEM or DER), from its vendor tool")
    .requiredOption("--out <dir>", "folder to write the certificate (PEM and DER) and the chain into")
    .option("--days <n>", "validity in days (never past the issuing CA)", days(825))
    .option("--uri <uri>", "the application URI, when the CSR names none")
    .option("--dns <name>", "a host name for the SAN (repeatable; with --uri)", repeat, [] as string[])
    .option("--ip <address>", "an IP address for the SAN (repeatable; with --uri)", repeat, [] as string[])
    .option("--json", "print the result as JSON")
    .action(async (opts: { site: string; controller: string; csr: string; out: string; days?: number; uri?: string; dns: string[]; ip: string[]; json?: boolean }) => {
      if (!opts.uri && (opts.dns.length || opts.ip.length)) throw new AppError("INVALID_REQUEST", "--dns and --ip go with --uri (the application URI every OPC UA certificate names).");
      outputFolder(resolve(opts.out));
      await ctx.unlock();
      const issued = await ctx.invoke("certificates.issue", {
        site: opts.site,
        controllerId: opts.controller,
        csr: readSmallFile(resolve(opts.csr), "certificate signing request"),
        ...(opts.uri ? { names: { applicationUri: opts.uri, dns: opts.dns, ips: opts.ip } } : {}),
        ...(opts.days ? { days: opts.days } : {}),
      });
      const dir = resolve(opts.out);
      // The folder is checked before anything is issued, so a bad --out issues and records nothing.
      outputFolder(dir);
      const base = join(dir, `${opts.controller}-${issued.serial}`);
      const der = derOf(issued.certificatePem);
      writeFileSync(`${base}.pem`, issued.certificatePem);
      writeFileSync(`${base}.der`, der);
      writeFileSync(`${base}-chain.pem`, issued.chainPem);
      if (opts.json) return io.out(json({ ...issued, files: { pem: `${base}.pem`, der: `${base}.der`, chain: `${base}-chain.pem` } }));
      io.out(`Certificate for ${opts.controller} issued: serial ${issued.serial}, SHA-256 ${issued.sha256}, ${issued.names.applicationUri}, valid until ${issued.notAfter}.`);
      io.out(`Files: ${base}.pem, ${base}.der (the certificate) and ${base}-chain.pem (the site CA's issuing certificate and root).`);
      io.out(`Load them with the controller's tool and add the chain to its trust list; the next scan proves the controller presents it. IT checks it with: openssl verify -CAfile ${CA_ROOT_FILE} -untrusted chain leaf.pem`);
    });
}
