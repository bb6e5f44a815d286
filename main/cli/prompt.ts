import { AppError } from "../../shared/domain/errors";

/**
 * Asks for a secret on the terminal without echoing it. Refuses when there is no terminal, so a
 * script fails fast with a message instead of hanging.
 */
export async function promptSecret(question: string, envName: string): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new AppError("LOCKED", `No terminal to ask for the passphrase. Set ${envName} and run the command again.`);
  }
  process.stderr.write(question);
  const stdin = process.stdin;
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding("utf8");
  return new Promise((resolve, reject) => {
    let value = "";
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n") {
          done();
          resolve(value);
          return;
        }
        if (ch === "\u0003") {
          done();
          reject(new AppError("CANCELLED", "Cancelled."));
          return;
        }
        if (ch === "\u007f" || ch === "\b") value = value.slice(0, -1);
        else value += ch;
      }
    };
    const done = (): void => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write("\n");
    };
    stdin.on("data", onData);
  });
}

/** The passphrase from the environment, or asked for (twice when it is being chosen). */
export async function passphraseFrom(envName: string, what: string, choosing: boolean): Promise<string> {
  const fromEnv = process.env[envName];
  if (fromEnv) return fromEnv;
  const first = await promptSecret(choosing ? `Choose the ${what} (8+ characters): ` : `${what[0]!.toUpperCase()}${what.slice(1)}: `, envName);
  // Too short is said at once, not after typing it twice (8 is the key protector's minimum).
  if (choosing && first.length < 8) throw new AppError("INVALID_REQUEST", `The ${what} must be at least 8 characters long. Nothing was changed; run the command again.`);
  if (choosing) {
    const again = await promptSecret(`Type the ${what} again: `, envName);
    if (again !== first) throw new AppError("INVALID_REQUEST", `The two ${what}s differ. Nothing was changed.`);
  }
  return first;
}

/** Whether a person is at the terminal to answer a question (stdin and stderr are both a terminal). */
export function interactive(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY);
}

/** Asks one line of plain text on the terminal (echoed); an empty answer takes `suggestion`. */
export async function promptLine(question: string, suggestion: string): Promise<string> {
  const { createInterface } = await import("node:readline/promises");
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await rl.question(`${question} [${suggestion}]: `)).trim();
    return answer === "" ? suggestion : answer;
  } finally {
    rl.close();
  }
}
