import type { ControllerKind } from "../../shared/domain/plant";
import { AREAS, CELL_KINDS, KIND_LABEL, SITES, vendorsFor, type VendorProfile } from "./catalog";
import type { Seeded } from "./seed";

/** Where a controller sits and what it is, before accounts and weaknesses are decided. */
export interface ControllerSlot {
  readonly index: number;
  readonly id: string;
  readonly name: string;
  readonly kind: ControllerKind;
  readonly vendor: VendorProfile;
  readonly model: string;
  readonly area: string;
  readonly lineId: string;
  readonly line: string;
  readonly cell: string;
}

export interface PlantLine {
  readonly id: string;
  readonly name: string;
  readonly area: string;
  readonly controllerIds: readonly string[];
}

export interface PlantLayout {
  readonly site: { readonly id: string; readonly name: string };
  readonly lines: readonly PlantLine[];
  readonly slots: readonly ControllerSlot[];
}

const CONTROLLERS_PER_LINE = 3;
const LINES_PER_AREA = 2;

/**
 * ISA-95 placement: controllers are dealt round-robin over lines of up to three cells, two lines per
 * area. At least two lines as soon as there are two controllers, so a maintenance password can be
 * shared across lines (one of the deliberate weaknesses).
 */
export function layoutPlant(rng: Seeded, count: number): PlantLayout {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`a demo plant needs at least one controller, got ${count}`);
  const site = rng.pick("site", SITES);
  const lineCount = count === 1 ? 1 : Math.max(2, Math.ceil(count / CONTROLLERS_PER_LINE));
  const areaOrder = rng.shuffle("areas", AREAS);
  const lines = Array.from({ length: lineCount }, (_, l) => {
    const round = Math.floor(Math.floor(l / LINES_PER_AREA) / areaOrder.length);
    const area = areaOrder[Math.floor(l / LINES_PER_AREA) % areaOrder.length] as (typeof AREAS)[number];
    const suffix = round === 0 ? "" : String(round + 1);
    const number = (l % LINES_PER_AREA) + 1;
    return {
      id: `${area.code}${suffix}-l${number}`,
      name: `${area.lineName}${suffix ? ` ${suffix}` : ""} Line ${number}`,
      area: `${area.name}${suffix ? ` ${suffix}` : ""}`,
    };
  });

  const slots = Array.from({ length: count }, (_, index): ControllerSlot => {
    const line = lines[index % lineCount] as (typeof lines)[number];
    const position = Math.floor(index / lineCount);
    const kinds: readonly ControllerKind[] = CELL_KINDS[Math.min(position, CELL_KINDS.length - 1)] ?? ["plc"];
    const kind = rng.pick(`kind:${index}`, kinds);
    const vendor = rng.pick(`vendor:${index}`, vendorsFor(kind));
    const model = rng.pick(`model:${index}`, vendor.models[kind] ?? ["Generic"]);
    const cellNumber = (position + 1) * 10;
    return {
      index,
      id: `${line.id}-${kind}-${position + 1}`,
      name: `${line.name} Cell ${cellNumber} ${KIND_LABEL[kind]}`,
      kind,
      vendor,
      model,
      area: line.area,
      lineId: line.id,
      line: line.name,
      cell: `Cell ${cellNumber}`,
    };
  });

  return {
    site,
    slots,
    lines: lines.map((line) => ({ ...line, controllerIds: slots.filter((slot) => slot.lineId === line.id).map((slot) => slot.id) })),
  };
}
