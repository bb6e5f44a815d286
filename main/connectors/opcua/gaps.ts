import type { PostureGap } from "../../../shared/domain/posture";
import { cleanText } from "./text";

const MAX_GAPS = 50;

/** The gaps of one posture, within the schema's limit (the last slot says how many more there were). */
export class GapList {
  private readonly items: PostureGap[] = [];
  private dropped = 0;

  add(stage: PostureGap["stage"], code: string, message: string): void {
    if (this.items.length >= MAX_GAPS - 1) {
      this.dropped += 1;
      return;
    }
    this.items.push({ stage, code: cleanText(code, 80).text, message: cleanText(message, 1000).text });
  }

  has(code: string): boolean {
    return this.items.some((gap) => gap.code === code);
  }

  toArray(): PostureGap[] {
    if (this.dropped === 0) return [...this.items];
    return [...this.items, { stage: "connect", code: "GAPS_TRUNCATED", message: `${this.dropped} more gap(s) were left out.` }];
  }
}
