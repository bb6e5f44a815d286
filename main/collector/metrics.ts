/** The collector's counters, rendered as Prometheus text exposition (version 0.0.4). */

/** Upper bounds (seconds) of the sync latency histogram. */
export const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;

export type UploadOutcome = "imported" | "already-imported" | "refused";

export class CollectorMetrics {
  private readonly uploads = new Map<UploadOutcome, number>([["imported", 0], ["already-imported", 0], ["refused", 0]]);
  private readonly refusals = new Map<string, number>();
  private recordsReceived = 0;
  private readonly bucketCounts = LATENCY_BUCKETS.map(() => 0);
  private latencyCount = 0;
  private latencySum = 0;

  upload(outcome: UploadOutcome, seconds: number, newRecords = 0): void {
    this.uploads.set(outcome, (this.uploads.get(outcome) ?? 0) + 1);
    this.recordsReceived += newRecords;
    this.latencyCount++;
    this.latencySum += seconds;
    LATENCY_BUCKETS.forEach((bound, i) => {
      if (seconds <= bound) this.bucketCounts[i]!++;
    });
  }

  refusal(reason: string): void {
    this.refusals.set(reason, (this.refusals.get(reason) ?? 0) + 1);
  }

  /** `uploadsInFlight`: uploads being received or imported right now (the queue 503 protects). */
  render(store: { devices: number; records: number; uploadsInFlight: number }): string {
    const lines: string[] = [];
    const metric = (name: string, type: string, help: string, samples: Array<[string, number]>): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
    };
    metric("fieldproof_collector_uploads_total", "counter", "Bundle uploads answered, by outcome.", [...this.uploads].map(([o, n]) => [`{outcome="${o}"}`, n]));
    metric("fieldproof_collector_records_received_total", "counter", "New records applied to the IT store from uploads since the collector started.", [["", this.recordsReceived]]);
    metric(
      "fieldproof_collector_refusals_total",
      "counter",
      "Uploads refused, by reason.",
      [...this.refusals].sort(([a], [b]) => a.localeCompare(b)).map(([r, n]) => [`{reason="${r}"}`, n]),
    );
    metric("fieldproof_collector_devices", "gauge", "Devices enrolled in the IT store.", [["", store.devices]]);
    metric("fieldproof_collector_records_held", "gauge", "Records held in the IT store, all devices.", [["", store.records]]);
    metric("fieldproof_collector_uploads_in_flight", "gauge", "Uploads being received or imported now.", [["", store.uploadsInFlight]]);
    metric("fieldproof_collector_sync_duration_seconds", "histogram", "Time from an upload's arrival to its answer (receiving, verification and import).", [
      ...LATENCY_BUCKETS.map((b, i): [string, number] => [`_bucket{le="${b}"}`, this.bucketCounts[i]!]),
      [`_bucket{le="+Inf"}`, this.latencyCount],
      ["_sum", Number(this.latencySum.toFixed(6))],
      ["_count", this.latencyCount],
    ]);
    return `${lines.join("\n")}\n`;
  }
}
