import { Callout, Intent } from "@blueprintjs/core";
import { useState } from "react";
import type { ResponseOf } from "../../../../shared/contract";
import { FormDialog } from "../../components/FormDialog";
import { useWrite } from "../../useApi";

type Outcome = ResponseOf<"identities.checkDefaults">;

/**
 * Opt-in check: do the vendors' published factory passwords still work? Each wrong try is a failed
 * login, so the technician confirms knowing that, and sees how many were spent. Mounted when it
 * opens: results from an earlier check are not today's.
 */
export function DefaultCheckDialog({ onClose }: { readonly onClose: () => void }): React.JSX.Element {
  const [outcome, setOutcome] = useState<Outcome>();
  const results = outcome?.results;
  const notListed = outcome?.notListed ?? [];
  const [error, setError] = useState<string>();
  const checking = useWrite("identities.checkDefaults");

  async function check(): Promise<void> {
    setError(undefined);
    const answer = await checking.run({ confirm: true });
    if (!answer.ok) return setError(answer.error.message);
    setOutcome(answer.value);
  }

  const working = results?.filter((r) => r.acceptedOn.length > 0) ?? [];
  const failed = results?.reduce((n, r) => n + r.failedLogins, 0) ?? 0;
  // No false all-clear: a controller that could not be asked is not a refusal.
  const verdict =
    working.length > 0
      ? { intent: Intent.DANGER, title: "Factory passwords still work" }
      : results?.some((r) => r.unreachableOn.length > 0) || notListed.length > 0
        ? { intent: Intent.WARNING, title: "Not every controller could be checked" }
        : { intent: Intent.SUCCESS, title: "No factory password works" };
  return (
    <FormDialog
      onClose={onClose}
      title="Check factory passwords"
      icon="key"
      closeText={results ? "Done" : "Cancel"}
      primary={{ text: results ? "Check again" : "Try factory passwords", icon: "key", intent: Intent.WARNING, onClick: () => void check(), busy: checking.busy, testId: "default-check-run" }}
      error={error}
    >
      <p>
        Fieldproof logs in to each account that has a factory-default name with the password its vendor publishes (at most two tries per account and controller). Where one works,
        the account gets a critical finding until it is rotated. Where controllers lock accounts after failed logins, each wrong try counts towards that.
      </p>
      <p>The result is recorded; the passwords are not.</p>
      {results && (
        <Callout intent={verdict.intent} className="fp-callout" data-testid="default-check-result" title={verdict.title}>
          {results.length === 0 && notListed.length === 0 ? (
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
              {notListed.map((n) => (
                <li key={n.controllerId} data-testid="default-check-not-listed">
                  <strong>{n.name}</strong>: {n.reason}
                </li>
              ))}
            </ul>
          )}
          <p>{failed} failed login(s) spent.</p>
        </Callout>
      )}
    </FormDialog>
  );
}
