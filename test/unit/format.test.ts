import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatDate, formatDateTime, formatDateTimeSeconds, localMinuteInput, today } from "../../renderer/src/format";

// The laptop's local time is what the technician reads: pin a zone east of UTC, so an instant late
// in the UTC day is already the next local day (what an ISO slice would get wrong).
const savedTz = process.env.TZ;
beforeAll(() => {
  process.env.TZ = "Europe/Berlin";
});
afterAll(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

describe("formatDateTime", () => {
  it("writes an instant as local day and 24-hour minute", () => {
    expect(formatDateTime("2026-12-03T14:24:59.900Z")).toBe("2026-12-03 15:24");
  });

  it("uses the local day, not the UTC one", () => {
    expect(formatDateTime("2026-12-03T23:30:00.000Z")).toBe("2026-12-04 00:30");
    expect(formatDate("2026-12-03T23:30:00.000Z")).toBe("2026-12-04");
  });

  it("follows summer time", () => {
    expect(formatDateTime("2026-07-01T06:05:00Z")).toBe("2026-07-01 08:05");
  });

  it("takes Date objects and epoch milliseconds", () => {
    expect(formatDateTime(new Date("2026-01-09T08:07:00Z"))).toBe("2026-01-09 09:07");
    expect(formatDateTime(Date.parse("2026-01-09T08:07:00Z"))).toBe("2026-01-09 09:07");
  });

  it("adds seconds where records seconds apart must be told apart", () => {
    expect(formatDateTimeSeconds("2026-12-03T14:24:07.000Z")).toBe("2026-12-03 15:24:07");
  });
});

describe("formatDate", () => {
  it("keeps a calendar day as it is, whatever the zone", () => {
    expect(formatDate("2026-12-03")).toBe("2026-12-03");
    expect(formatDateTime("2026-12-03")).toBe("2026-12-03");
    expect(formatDateTimeSeconds("2026-12-03")).toBe("2026-12-03");
  });

  it("shows the fallback for nothing or an unreadable value", () => {
    expect(formatDate(null)).toBe("—");
    expect(formatDate(undefined, "never")).toBe("never");
    expect(formatDate("")).toBe("—");
    expect(formatDateTime("not a date")).toBe("—");
    expect(formatDateTimeSeconds(null, "never")).toBe("never");
  });
});

describe("date field values", () => {
  it("gives today and a datetime-local value in local time", () => {
    const instant = new Date("2026-12-03T23:30:00.000Z");
    expect(today(instant)).toBe("2026-12-04");
    expect(localMinuteInput(instant)).toBe("2026-12-04T00:30");
  });
});
