/** Results go to stdout, progress and errors to stderr, so `--json` output can be piped. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** A progress line; rewritten in place on a terminal, one line each otherwise. */
  progress(done: number, total: number, label: string): void;
}

export function processIo(): CliIo {
  const tty = process.stderr.isTTY === true;
  // `fieldproof records | head`: the reader closed the pipe, so there is nobody left to tell. End
  // quietly (as other command-line tools do) instead of dying with an EPIPE stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  return {
    out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
    progress: (done, total, label) => {
      const line = `[${done}/${total}] ${label}`;
      if (tty) process.stderr.write(`\r\x1b[2K${line}${done >= total ? "\n" : ""}`);
      else process.stderr.write(`${line}\n`);
    },
  };
}

export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
