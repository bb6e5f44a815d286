/** Prints benchmark figures as they come, with their workload, and keeps them for a summary. */
export class Report {
  private readonly rows: { name: string; value: number; unit: string; workload: string; target: boolean | undefined }[] = [];

  figure(name: string, value: number, unit: string, workload: string, meetsTarget?: boolean): void {
    this.rows.push({ name, value, unit, workload, target: meetsTarget });
    const shown = value >= 100 ? value.toFixed(0) : value.toFixed(2);
    const verdict = meetsTarget === undefined ? "" : meetsTarget ? "  [target met]" : "  [TARGET MISSED]";
    process.stdout.write(`  ${name}: ${shown} ${unit}  (${workload})${verdict}\n`);
  }

  missed(): string[] {
    return this.rows.filter((r) => r.target === false).map((r) => r.name);
  }
}
