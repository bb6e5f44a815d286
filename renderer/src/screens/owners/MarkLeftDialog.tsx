import { Callout, FormGroup, InputGroup, Intent, Tag } from "@blueprintjs/core";
import { useId, useState } from "react";
import type { PersonView, ResponseOf } from "../../../../shared/contract";
import { FormDialog } from "../../components/FormDialog";
import { useWrite } from "../../useApi";
import { localDay } from "./shared";
import { formatDate } from "../../format";

interface Props {
  readonly person: PersonView;
  readonly onClose: () => void;
}

/** Marks a person as left, then shows the shared accounts that must now be rotated, and by when. Mounted when it opens. */
export function MarkLeftDialog({ person, onClose }: Props): React.JSX.Element {
  const dateId = useId();
  const [leftAt, setLeftAt] = useState(() => localDay());
  const [error, setError] = useState<string>();
  const [result, setResult] = useState<ResponseOf<"owners.markLeft">>();
  const markLeft = useWrite("owners.markLeft");

  async function confirm(): Promise<void> {
    const r = await markLeft.run({ personId: person.personId, leftAt });
    if (!r.ok) return setError(r.error.message);
    setError(undefined);
    setResult(r.value);
  }

  return (
    <FormDialog
      onClose={onClose}
      title={`Mark ${person.name} as left`}
      icon="log-out"
      closeText={result ? "Done" : "Cancel"}
      primary={result ? undefined : { text: "Mark as left", icon: "log-out", intent: Intent.WARNING, onClick: () => void confirm(), disabled: leftAt === "", busy: markLeft.busy }}
      error={error}
    >
      {!result ? (
        <>
          <p>
            {person.holds.length > 0 ? (
              <>
                {person.name} holds <strong>{person.holds.length}</strong> account(s): {person.holds.map((h) => h.replace(/^user\//, "")).join(", ")}. Once marked as left, each
                must be rotated within 30 days of the leave date; after that it shows as a finding until it is.
              </>
            ) : (
              <>{person.name} holds no accounts. They can no longer own identities or approve.</>
            )}
          </p>
          <FormGroup label="Left on" labelFor={dateId} helperText="The day they stopped working here (or on this contract).">
            <InputGroup id={dateId} size="large" type="date" value={leftAt} onValueChange={setLeftAt} data-testid="left-date" />
          </FormGroup>
        </>
      ) : (
        <div data-testid="left-result">
          <Callout intent={result.due.length > 0 ? Intent.WARNING : Intent.SUCCESS} icon={result.due.length > 0 ? "warning-sign" : "tick"}>
            {result.person.name} is marked as left on {formatDate(result.person.leftAt)}.{" "}
            {result.due.length > 0 ? `These accounts are now due for rotation within ${result.graceDays} days:` : "No accounts become due."}
          </Callout>
          {result.due.length > 0 && (
            <ul className="fp-due-list" aria-label="Accounts now due">
              {result.due.map((d) => (
                <li key={d.identityId}>
                  <strong>{d.name}</strong> {d.shared && <Tag minimal>shared</Tag>} <span className="fp-card-note">rotate by</span> <strong>{formatDate(d.rotateBy)}</strong>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </FormDialog>
  );
}
