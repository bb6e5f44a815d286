import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServices, type Services } from "../../main/services";
import { decodeCsv } from "../../main/services/owners/csv/decode";
import { guardCell, unguardCell } from "../../main/services/owners/csv/formulaGuard";
import { CsvImportError } from "../../main/services/owners/csv/problems";
import { detectSeparator, formatCsv, parseCsv } from "../../main/services/owners/csv/rfc4180";
import type { OwnersCsv } from "../../main/services/owners/ownersCsv";
import { tempDir } from "../support/tempDir";

describe("CSV parsing (RFC 4180)", () => {
  it("reads quoted fields with commas, doubled quotes and line breaks, and numbers records by their first line", () => {
    const text = 'a,b,c\r\n"x, y","say ""hi""","two\r\nlines"\r\n\r\nlast,,\r\n';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ["a", "b", "c"] },
      { line: 2, fields: ["x, y", 'say "hi"', "two\r\nlines"] },
      { line: 5, fields: ["last", "", ""] },
    ]);
  });

  it("accepts LF and CR line ends and a file without a final line break", () => {
    expect(parseCsv("a,b\nc,d")).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 2, fields: ["c", "d"] },
    ]);
    expect(parseCsv("a,b\rc,d\r")).toHaveLength(2);
  });

  it("tells a semicolon-separated file by its header, and reads commas inside its fields as text", () => {
    const text = 'person_id;name;employer\r\nli.wei;"Wei; Li";contractor\r\nana.ruiz;Ruiz, Ana;staff\r\n';
    expect(detectSeparator(text)).toBe(";");
    expect(parseCsv(text, ";").map((r) => r.fields)).toEqual([
      ["person_id", "name", "employer"],
      ["li.wei", "Wei; Li", "contractor"],
      ["ana.ruiz", "Ruiz, Ana", "staff"],
    ]);
    expect(detectSeparator("\r\nperson_id,name;x,employer\r\n")).toBe(",");
    expect(detectSeparator('person_id,name\r\nx;y,"a;b"\r\n')).toBe(",");
  });

  it("guards formula cells on export and undoes only its own guard on import", () => {
    expect(["=SUM(A1)", "+1", "-2", "@cmd", "\tx", "plain", "it's"].map(guardCell)).toEqual(["'=SUM(A1)", "'+1", "'-2", "'@cmd", "'\tx", "plain", "it's"]);
    expect(unguardCell("'=SUM(A1)")).toBe("=SUM(A1)");
    expect(unguardCell("'plain")).toBe("'plain");
    expect(unguardCell("  spaced  ")).toBe("spaced");
    const text = formatCsv(["a", "b"], [["=HYPERLINK(\"http://x\")", "ok, fine"]]);
    expect(text.startsWith("\uFEFF")).toBe(true);
    expect(text).toBe('\uFEFFa,b\r\n"\'=HYPERLINK(""http://x"")","ok, fine"\r\n');
    expect(parseCsv(text.slice(1))[1]!.fields.map(unguardCell)).toEqual(['=HYPERLINK("http://x")', "ok, fine"]);
  });

  it("refuses what is not UTF-8 CSV text, naming the line", () => {
    const err = (bytes: Uint8Array): string => {
      try {
        decodeCsv(bytes);
        return "decoded";
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(err(new Uint8Array())).toBe("line 1: the file is empty");
    expect(err(Buffer.from("\uFEFF \r\n", "utf8"))).toBe("line 1: the file is empty");
    expect(err(Buffer.from("\uFEFFperson_id,name", "utf16le"))).toMatch(/UTF-16/);
    expect(err(Buffer.concat([Buffer.from("person_id,name\r\nx,"), Buffer.from("Jos\xe9", "latin1")]))).toMatch(/^line 2: the file is not UTF-8 text/);
    expect(err(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]))).toMatch(/binary data: it is not a CSV file/);
  });
});

/** A laptop whose store knows the demo plant's identities, lines and cells. */
async function scannedLaptop(prefix: string, plantFile?: string): Promise<{ services: Services; dir: ReturnType<typeof tempDir> }> {
  const dir = tempDir(prefix);
  const services = createServices({ dataDir: dir.path, runtime: "test", passphrase: "owners csv test", controllerTimeoutMs: 15_000 });
  if (plantFile) await services.plant.importPlantFile(plantFile);
  else await services.demo.start(5);
  await services.scan.scan({ trustNewCertificates: true, concurrency: 5, timeoutMs: 15_000 });
  return { services, dir };
}

describe("CSV import and export against a store", () => {
  let a: Awaited<ReturnType<typeof scannedLaptop>>;
  let b: Awaited<ReturnType<typeof scannedLaptop>>;
  let work: ReturnType<typeof tempDir>;
  let csvA: OwnersCsv;
  let line: string;
  let cell: string;

  beforeAll(async () => {
    a = await scannedLaptop("fieldproof-csv-a-");
    b = await scannedLaptop("fieldproof-csv-b-", a.services.demo.status().plantFile!);
    await a.services.demo.stop();
    work = tempDir("fieldproof-csv-files-");
    csvA = a.services.ownersCsv;
    const c = a.services.repos.plant.controllers()[0]!;
    line = c.line;
    cell = `${c.line}/${c.cell}`;
  }, 120_000);
  afterAll(async () => {
    await a.services.close();
    await b.services.close();
    a.dir.cleanup();
    b.dir.cleanup();
    work.cleanup();
  });

  function file(name: string, content: string | Buffer): string {
    const path = join(work.path, name);
    writeFileSync(path, content);
    return path;
  }

  /** Import must fail naming these lines and reasons, with not one record written. */
  function expectRefused(path: string, expected: { line: number; reason: RegExp }[]): CsvImportError {
    const before = a.services.repos.journal.head().size;
    let error: unknown;
    try {
      csvA.importFile(path);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CsvImportError);
    const problems = (error as CsvImportError).problems;
    expect(problems.map((p) => p.line)).toEqual(expected.map((e) => e.line));
    problems.forEach((p, i) => expect(p.reason).toMatch(expected[i]!.reason));
    expect((error as CsvImportError).message).toMatch(/^Nothing was imported from /);
    expect(a.services.repos.journal.head().size).toBe(before);
    return error as CsvImportError;
  }

  it("imports teams, people (with a leave date), owners and holders, each in one go", () => {
    const before = a.services.repos.journal.head().size;
    expect(csvA.importFile(file("teams.csv", "team_id,name,description\r\nmaint-b,Maintenance B shift,Nights\r\nautomation,Automation,\r\n"))).toMatchObject({ kind: "teams", rows: 2, records: 2 });
    const people = [
      "person_id,name,role,employer,company,team_id,left_at",
      "ana.ruiz,Ana Ruiz,Maintenance lead,staff,,maint-b,",
      '"li.wei","Wei, Li",Technician,contractor,"Delta ""Field"" Services",maint-b,',
      "tom.berg,Tom Berg,Service engineer,vendor,Siemens,,2026-01-31",
    ].join("\r\n");
    expect(csvA.importFile(file("people.csv", `\uFEFF${people}\r\n`))).toMatchObject({ kind: "people", rows: 3, records: 4 });
    const owners = `target_type,target_id,owner_type,owner_id,purpose,scope,expires_at\nidentity,user/maint,person,ana.ruiz,Shared maintenance,"${line}",\nline,${line},team,maint-b,,,\ncell,${cell},team,automation,Cell work,,2027-06-30\n`;
    expect(csvA.importFile(file("owners.csv", owners))).toMatchObject({ kind: "owners", rows: 3, records: 3 });
    expect(csvA.importFile(file("holders.csv", "identity_id,person_id,since\nuser/maint,ana.ruiz,2025-03-01\nuser/maint,li.wei,\n"))).toMatchObject({ kind: "holders", rows: 2, records: 2 });
    expect(a.services.repos.journal.head().size - before).toBe(11);

    const repo = a.services.repos.owners;
    expect(repo.people().find((p) => p.personId === "li.wei")).toMatchObject({ name: "Wei, Li", company: 'Delta "Field" Services', employer: "contractor", teamId: "maint-b" });
    expect(repo.people().find((p) => p.personId === "tom.berg")?.leftAt).toBe("2026-01-31");
    expect(repo.ownerships().find((o) => o.targetId === cell)).toMatchObject({ ownerType: "team", ownerId: "automation", expiresAt: "2027-06-30" });
    expect(repo.holders().filter((h) => h.identityId === "user/maint").map((h) => h.personId)).toEqual(["ana.ruiz", "li.wei"]);
  });

  it("writes nothing when the same file is imported again", () => {
    const before = a.services.repos.journal.head().size;
    const again = csvA.importFile(join(work.path, "people.csv"));
    expect(again).toMatchObject({ rows: 3, records: 0, unchanged: 3 });
    expect(a.services.repos.journal.head().size).toBe(before);
  });

  it("imports a semicolon-separated file (a spreadsheet's CSV in a decimal-comma language)", () => {
    const before = a.services.repos.journal.head().size;
    expect(csvA.importFile(file("semicolons.csv", "\uFEFFperson_id;name;role;employer;company;team_id\r\nana.ruiz;Ana Ruiz;Maintenance lead;Staff;;maint-b\r\n"))).toEqual({ kind: "people", rows: 1, records: 0, unchanged: 1 });
    expect(a.services.repos.journal.head().size).toBe(before);
  });

  it("reports an unknown header on line 1", () => {
    expectRefused(file("h0.csv", "person_id;name,employer\r\nana.ruiz;Ana Ruiz,staff\r\n"), [{ line: 1, reason: /^the header mixes commas and semicolons; separate the columns with commas/ }]);
    expectRefused(file("h1.csv", "name,email\r\nAna,ana@example.com\r\n"), [{ line: 1, reason: /unknown header "name,email"; expected the columns of one of: teams/ }]);
    expectRefused(file("h2.csv", "person_id,name,employer,phone\r\n"), [{ line: 1, reason: /unknown header for a people file \(unknown column "phone"\)/ }]);
    expectRefused(file("h3.csv", "person_id,name,name,employer\r\n"), [{ line: 1, reason: /names the column "name" twice/ }]);
  });

  it("reports a row with the wrong number of columns", () => {
    expectRefused(file("cols.csv", "person_id,name,employer\r\nok.one,Ok One,staff\r\nshort,Short\r\nlong,Long,staff,extra\r\n"), [
      { line: 3, reason: /^2 column\(s\) where the header has 3$/ },
      { line: 4, reason: /^4 column\(s\) where the header has 3$/ },
    ]);
  });

  it("reports an unterminated quote at the line where it opens, and a stray quote", () => {
    expectRefused(file("quote.csv", 'person_id,name,employer\r\nok.one,Ok One,staff\r\nbad,"Never closed,staff\r\nnext,Next,staff\r\n'), [{ line: 3, reason: /unterminated quote/ }]);
    expectRefused(file("stray.csv", 'person_id,name,employer\r\nbad,Jo "JJ" Doe,staff\r\n'), [{ line: 2, reason: /a quote inside a field that does not start with a quote/ }]);
    expectRefused(file("after.csv", 'person_id,name,employer\r\nbad,"Jo" Doe,staff\r\n'), [{ line: 2, reason: /text after a closing quote/ }]);
  });

  it("reports a bad employer value", () => {
    expectRefused(file("employer.csv", "person_id,name,employer\r\nboss,The Boss,boss\r\n"), [{ line: 2, reason: /employer must be staff, contractor or vendor, not "boss"/ }]);
  });

  it("reports unknown team, person and identity references", () => {
    expectRefused(file("team.csv", "person_id,name,employer,team_id\r\nnew.one,New One,staff,night-shift\r\n"), [{ line: 2, reason: /^There is no team night-shift; add it on the Owners screen or import a teams file first$/ }]);
    expectRefused(file("owner-person.csv", `target_type,target_id,owner_type,owner_id\r\nline,${line},person,nobody\r\n`), [{ line: 2, reason: /There is no person nobody; add them/ }]);
    expectRefused(file("owner-team.csv", `target_type,target_id,owner_type,owner_id\r\nline,${line},team,nobody\r\n`), [{ line: 2, reason: /There is no team nobody/ }]);
    expectRefused(file("identity.csv", "identity_id,person_id\r\nuser/ghost,ana.ruiz\r\nuser/maint,ghost\r\n"), [
      { line: 2, reason: /No identity user\/ghost is known; scan the plant first/ },
      { line: 3, reason: /There is no person ghost/ },
    ]);
    expectRefused(file("target.csv", "target_type,target_id,owner_type,owner_id\r\nline,Nowhere Line,team,maint-b\r\ncell,Nowhere/Cell 1,team,maint-b\r\n"), [
      { line: 2, reason: /There is no line "Nowhere Line" in this plant/ },
      { line: 3, reason: /There is no cell "Nowhere\/Cell 1" in this plant \(cells are written line\/cell/ },
    ]);
    expectRefused(file("left-owner.csv", "target_type,target_id,owner_type,owner_id\r\nidentity,user/maint,person,tom.berg\r\n"), [{ line: 2, reason: /Tom Berg \(tom.berg\) left on 2026-01-31 and cannot be made accountable/ }]);
  });

  it("refuses to make a person who left a current holder, as the addHolder channel does, and writes nothing", () => {
    const holders = () => a.services.repos.owners.holders().map((h) => `${h.identityId} ${h.personId}`);
    const before = holders();
    expectRefused(file("left-holder.csv", "identity_id,person_id,since,removed_at\r\nuser/breakglass,ana.ruiz,2025-03-01,\r\nuser/breakglass,tom.berg,2025-06-01,\r\n"), [
      { line: 3, reason: /^Tom Berg \(tom\.berg\) left on 2026-01-31 and cannot become a holder; .*removed_at/ },
    ]);
    expect(holders()).toEqual(before);
    // A holding that ended is history, not a new holder: it is recorded.
    expect(csvA.importFile(file("left-holder-ended.csv", "identity_id,person_id,since,removed_at\r\nuser/breakglass,tom.berg,2025-06-01,2026-01-31\r\n"))).toMatchObject({ records: 2 });
    expect(a.services.repos.owners.holders().find((h) => h.personId === "tom.berg")).toMatchObject({ identityId: "user/breakglass", removedAt: "2026-01-31" });
  });

  it("reports bad dates", () => {
    expectRefused(file("date.csv", "person_id,name,employer,left_at\r\nx.one,X One,staff,31/01/2026\r\nx.two,X Two,staff,2026-02-30\r\n"), [
      { line: 2, reason: /left_at "31\/01\/2026" is not a date: use a date like 2026-12-05/ },
      { line: 3, reason: /left_at "2026-02-30" is not a date/ },
    ]);
    expectRefused(file("since.csv", "identity_id,person_id,since\r\nuser/maint,ana.ruiz,yesterday\r\n"), [{ line: 2, reason: /since "yesterday" is not a date/ }]);
  });

  it("reports duplicate ids with the line of the first", () => {
    expectRefused(file("dup.csv", "person_id,name,employer\r\nsam.k,Sam K,staff\r\nother,Other,staff\r\nsam.k,Sam K again,staff\r\n"), [{ line: 4, reason: /duplicate: person_id sam.k is already on line 2/ }]);
    expectRefused(file("dup-owner.csv", `target_type,target_id,owner_type,owner_id\r\nline,${line},team,maint-b\r\nline,${line},team,automation\r\n`), [{ line: 3, reason: /duplicate: the line .* is already on line 2/ }]);
  });

  it("reports empty required fields and ids that are not ids", () => {
    expectRefused(file("empty-field.csv", "person_id,name,employer\r\n,No Id,staff\r\nno.name,,staff\r\nBad Id,Bad,staff\r\n"), [
      { line: 2, reason: /person_id is empty; it is required/ },
      { line: 3, reason: /name is empty; it is required/ },
      { line: 4, reason: /person_id "Bad Id" is not an id/ },
    ]);
  });

  it("refuses files that are not UTF-8 CSV, and empty files", () => {
    expectRefused(file("latin1.csv", Buffer.concat([Buffer.from("person_id,name,employer\r\njose,"), Buffer.from("Jos\xe9", "latin1"), Buffer.from(",staff\r\n")])), [{ line: 2, reason: /not UTF-8 text/ }]);
    expectRefused(file("binary.csv", readFileSync(process.execPath).subarray(0, 4096)), [{ line: 1, reason: /binary data/ }]);
    expectRefused(file("utf16.csv", Buffer.from("\uFEFFperson_id,name,employer\r\n", "utf16le")), [{ line: 1, reason: /UTF-16/ }]);
    expectRefused(file("empty.csv", ""), [{ line: 1, reason: /the file is empty/ }]);
    expectRefused(file("blank.csv", "\r\n\r\n"), [{ line: 1, reason: /the file is empty/ }]);
  });

  it("applies nothing from a file with one bad row among good ones", () => {
    const people = a.services.repos.owners.people().length;
    expectRefused(file("mixed.csv", "person_id,name,employer\r\ngood.one,Good One,staff\r\ngood.two,Good Two,vendor\r\nbad.one,Bad One,boss\r\n"), [{ line: 4, reason: /employer/ }]);
    expect(a.services.repos.owners.people()).toHaveLength(people);
  });

  it("refuses to move or undo a leave date", () => {
    expectRefused(file("unleave.csv", "person_id,name,employer,left_at\r\ntom.berg,Tom Berg,vendor,\r\n"), [{ line: 2, reason: /marked as left on 2026-01-31 .* the file says not left/ }]);
  });

  it("reports a missing file as an I/O error", () => {
    expect(() => csvA.importFile(join(work.path, "missing.csv"))).toThrow(/Cannot read .*missing.csv: no such file or folder/);
  });

  it("exports each kind so that a fresh store imports the same teams, people, owners and holders", () => {
    a.services.owners.removeHolder("user/maint", "li.wei", "2031-02-01");
    a.services.owners.upsertPerson({ personId: "eve.x", name: "=cmd|' /C calc'!A0", role: "-", employer: "staff", company: "@corp", teamId: null });
    const csvB = b.services.ownersCsv;
    for (const kind of ["teams", "people", "owners", "holders"] as const) {
      const path = join(work.path, `export-${kind}.csv`);
      const result = csvA.exportFile(kind, path);
      const bytes = readFileSync(path);
      expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      expect(bytes.toString("utf8")).toMatch(/\r\n$/);
      expect(bytes.toString("utf8").split("\r\n").length - 2).toBe(result.rows);
      csvB.importFile(path);
    }
    expect(readFileSync(join(work.path, "export-people.csv"), "utf8")).toContain(`eve.x,'=cmd|' /C calc'!A0,'-,staff,'@corp,,`);
    const strip = <T extends object>(rows: T[], drop: string[]) => rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !drop.includes(k))));
    const ra = a.services.repos.owners;
    const rb = b.services.repos.owners;
    expect(rb.teams()).toEqual(ra.teams());
    expect(strip(rb.people(), ["publicKey"])).toEqual(strip(ra.people(), ["publicKey"]));
    expect(strip(rb.ownerships(), ["setAt"])).toEqual(strip(ra.ownerships(), ["setAt"]));
    expect(rb.holders()).toEqual(ra.holders());
    expect(rb.holders().find((h) => h.personId === "li.wei")?.removedAt).toBe("2031-02-01");
  });
});
