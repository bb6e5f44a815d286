import { stopAt } from "./problems";

/** UTF-8 (with or without a BOM) or a clear refusal: empty, UTF-16, binary, or not UTF-8 (with the line of the first bad byte). */
export function decodeCsv(bytes: Uint8Array): string {
  if (bytes.length === 0) throw stopAt(1, "the file is empty");
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw stopAt(1, 'the file is UTF-16 text; save it as "CSV UTF-8" instead');
  }
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  const nul = body.indexOf(0);
  if (nul >= 0) throw stopAt(lineAt(body, nul), "the file holds binary data: it is not a CSV file");
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    throw stopAt(firstBadUtf8Line(body), 'the file is not UTF-8 text; in a spreadsheet, save it as "CSV UTF-8"');
  }
  if (text.trim() === "") throw stopAt(1, "the file is empty");
  return text;
}

function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

function firstBadUtf8Line(bytes: Uint8Array): number {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let start = 0;
  let line = 1;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      try {
        decoder.decode(bytes.subarray(start, i));
      } catch {
        return line;
      }
      start = i + 1;
      line++;
    }
  }
  return 1;
}
