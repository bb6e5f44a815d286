/** Plain-language names for record kinds (the raw kind stays visible in the detail). */
const LABELS: Record<string, string> = {
  "device.enrolled": "Laptop enrolled",
  "device.renamed": "Laptop renamed",
  "technician.set": "Technician set",
  "it.trusted": "IT key trusted",
  "receipt.imported": "IT receipt imported",
};

export function kindLabel(kind: string): string {
  return LABELS[kind] ?? kind;
}

export function registerKindLabels(labels: Record<string, string>): void {
  Object.assign(LABELS, labels);
}
