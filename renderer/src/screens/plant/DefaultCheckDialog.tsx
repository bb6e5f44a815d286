import { Button, Callout, Dialog, DialogBody, DialogFooter, Intent } from "@blueprintjs/core";
import { useState } from "react";
import type { ResponseOf } from "../../../../shared/contract";
import { call } from "../../api";

interface Props {
  readonly isOpen: boolean;
  readonly onClose: () => void;
  readonly onChecked: () => void;
}

type Result = ResponseOf<"identities.checkDefaults">["results"][number];

/**
 * Opt-in check: do the vendors' published factory passwords still work? Each wrong try is a failed
 * login, so the technician confirms knowing that, and sees how many were spent.
 */
export function DefaultCheckDialog({ isOpen, onClose, onChecked }: Props): React.JSX.Element {
  const [busy, setBusy] = useState(false);
  const [results, setResults] = useState<readonly Result[]>();
  const [error, setError] = useState<string>();

  async function check(): Promise<void> {
    setBusy(true);
    setError(undefined);
    const answer = await call("identities.checkDefaults", { confirm: true });
    setBusy(false);
    if (!answer.ok) return setError(answer.error.message);
    setResults(answer.value.results);
    onChecked();
  }

  // A reopened dialog starts afresh: results from an earlier check are not today's.
  function close(): void {
    setResults(undefined);
    setError(undefined);
    onClose();
  }

  const working = results?.filter((r) => r.acceptedOn.length > 0) ?? [];
  const failed = results?.reduce((n, r) => n + r.failedLogins, 0) ?? 0;
  // No false all-clear: a controller that could not be asked is not a refusal.
  const verdict =
    working.length > 0
      ? { intent: Intent.DANGER, title: "Factory passwords still work" }
      : results?.some((r) => r.unreachableOn.length > 0)
        ? { intent: Intent.WARNING, title: "Not every controller could be checked" }
        : { intent: Intent.SUCCESS, title: "No factory password works" };
  return (
    <Dialog isOpen={isOpen} onClose={close} title="Check factory passwords" icon="key">
      <DialogBody>
        <p>
          Fieldproof logs in to each account that has a factory-default name with the password its vendor publishes (at most two tries per account and controller). Where one
          works, the account gets a critical finding until it is rotated. Where controllers lock accounts after failed logins, each wrong try counts towards that.
        </p>
        <p>The result is recorded; the passwords are not.</p>
        {error && (
          <Callout intent={Intent.DANGER} className="fp-callout">
            {error}
          </Callout>
        )}
        {results && (
          <Callout intent={verdict.intent} className="fp-callout" data-testid="default-check-result" title={verdict.title}>
            {results.length === 0 ? (
              "No account on these controllers has a name its vendor ships with a published password."
            ) : (
              <ul>
                {results.map((r) => (
                  <li key={r.identityId}>
                    <strong>{r.userName}</strong>:{" "}
                    {[
                      r.acceptedOn.length > 0 ? `works on ${r.acceptedOn.length} controller(s)` : "",
                      r.refusedOn.length > 0 ? `refused on ${r.refusedOn.length}` : "",
                      r.unreachableOn.length > 0 ? `not checked on ${r.unreachableOn.length} (unreachable or not trusted)` : "",
                    ]
                      .filter(Boolean)
                      .join(", ")}
                  </li>
                ))}
              </ul>
            )}
            <p>{failed} failed login(s) spent.</p>
          </Callout>
        )}
      </DialogBody>
      <DialogFooter
        actions={
          <>
            <Button size="large" text={results ? "Done" : "Cancel"} onClick={close} />
            <Button size="large" intent={Intent.WARNING} icon="key" text={results ? "Check again" : "Try factory passwords"} loading={busy} onClick={() => void check()} data-testid="default-check-run" />
          </>
        }
      />
    </Dialog>
  );
}
