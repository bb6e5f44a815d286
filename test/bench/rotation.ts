import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createServices } from "../../main/services";
import { ItService } from "../../main/services/itService";
import { tempDir } from "../support/tempDir";
import type { Report } from "./report";

/** Batch rotation of the shared maintenance account over N simulated controllers, with proof. */
export async function rotationBench(report: Report, controllers: number): Promise<void> {
  const dir = tempDir("fieldproof-bench-rotation-");
  const services = createServices({ dataDir: join(dir.path, "laptop"), runtime: "test", passphrase: "bench passphrase", controllerTimeoutMs: 30_000 });
  try {
    let start = performance.now();
    await services.demo.start(controllers);
    report.figure(`start ${controllers} simulated controllers (in-process, fresh state)`, (performance.now() - start) / 1000, "s", "not part of the rotation figure");
    const build = services.demo.current()!.build;
    const it = await ItService.init(join(dir.path, "it"), "bench it passphrase");
    await services.evidence.trustIt(it.files.trust, false);
    await services.scan.scan({ trustNewCertificates: true, concurrency: 8, timeoutMs: 30_000 });
    services.owners.upsertPerson({ personId: "bo", name: "Bo Lind", role: "Shift lead", employer: "staff", company: "", teamId: null, pin: "246810" });
    for (const line of new Set(build.controllers.map((c) => c.line))) services.owners.setAuthority(line, null, "approve", ["bo"]);

    // One batch per current password (lines differ); the controllers without Part 18 go manual and are not counted.
    const groups = new Map<string, string[]>();
    for (const c of build.controllers) {
      if (!c.security.part18) continue;
      const pw = c.accounts.find((a) => a.userName === "maint")!.initialPassword;
      groups.set(pw, [...(groups.get(pw) ?? []), c.id]);
    }
    const rotated = [...groups.values()].reduce((n, ids) => n + ids.length, 0);
    start = performance.now();
    const plans = [...groups].map(([currentPassword, controllerIds]) =>
      services.rotations.plan({
        identityId: "user/maint",
        controllerIds,
        reason: "holder-left",
        workOrder: "WO-BENCH",
        operationalState: "maintenance-window",
        currentPassword,
        approval: { personId: "bo", pin: "246810", emergency: false },
        passwordScope: "per-controller",
        concurrency: 8,
      }),
    );
    // Each line has its own maintenance password, hence one batch per line; four lines at a time.
    const results = [];
    for (let i = 0; i < plans.length; i += 4) results.push(...(await Promise.all(plans.slice(i, i + 4).map((plan) => services.rotations.run(plan)))).flat());
    const seconds = (performance.now() - start) / 1000;
    const committed = results.filter((r) => r.state === "committed").length;
    const durations = services.repos.rotations
      .list(10_000)
      .filter((r) => r.state === "committed" && r.finishedAt)
      .map((r) => Date.parse(r.finishedAt!) - Date.parse(r.startedAt))
      .sort((a, b) => a - b);
    report.figure(
      `batch rotation of maint over ${rotated} controllers, with proof`,
      seconds,
      "s",
      `${committed}/${rotated} committed (sealed, changed, new accepted, old refused), ${groups.size} line batches, four at a time; target < 20 s`,
      seconds < 20 && committed === rotated,
    );
    report.figure("per-controller rotation, median", durations[Math.floor(durations.length / 2)] ?? -1, "ms", "from the pending record to the committed record");
  } finally {
    await services.close();
    dir.cleanup();
  }
}
