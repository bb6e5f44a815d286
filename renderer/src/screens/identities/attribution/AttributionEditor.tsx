import { Button, Callout, Intent, Tag } from "@blueprintjs/core";
import { useState } from "react";
import type { IdentityDetail } from "../../../../../shared/contract";
import { PersonPicker } from "../../../components/PersonPicker";
import { useApi, useWrite } from "../../../useApi";
import { OwnerDialog, type OwnerTarget } from "./OwnerDialog";
import { UseDialog } from "./UseDialog";
import { formatDate } from "../../../format";

interface Props {
  readonly detail: IdentityDetail;
}

/** The editable half of the attribution panel: owner, holders, recorded uses. Each write reloads the table and the detail (findings appear or clear). */
export function AttributionEditor({ detail }: Props): React.JSX.Element {
  const directory = useApi("owners.list", {});
  const add = useWrite("owners.addHolder");
  const remove = useWrite("owners.removeHolder");
  const [owning, setOwning] = useState<OwnerTarget>();
  const [using, setUsing] = useState(false);
  const [message, setMessage] = useState<{ intent: Intent; text: string }>();
  const o = detail.owner;
  const current = detail.holders.filter((h) => h.removedAt === null);
  const candidates = (directory.data?.people ?? []).filter((p) => !p.leftAt && !current.some((h) => h.personId === p.personId));

  const done = (text: string): void => setMessage({ intent: Intent.SUCCESS, text });

  async function addHolder(personId: string): Promise<boolean> {
    const result = await add.run({ identityId: detail.row.id, personId });
    if (!result.ok) {
      setMessage({ intent: Intent.DANGER, text: result.error.message });
      return false;
    }
    done(`${candidates.find((p) => p.personId === personId)?.name ?? personId} is recorded as a holder.`);
    return true;
  }

  async function removeHolder(personId: string, name: string): Promise<void> {
    const result = await remove.run({ identityId: detail.row.id, personId });
    if (!result.ok) return setMessage({ intent: Intent.DANGER, text: result.error.message });
    done(`${name} no longer holds ${detail.row.name}. Rotate it if they knew the password.`);
  }

  function openOwner(): void {
    setMessage(undefined);
    setOwning({
      kind: "identity",
      id: detail.row.id,
      label: detail.row.name,
      current: o.source === "identity" && o.ownerType && o.ownerId ? { ownerType: o.ownerType, ownerId: o.ownerId, purpose: o.purpose, scope: o.scope, expiresAt: o.expiresAt } : null,
      inheritedNote:
        o.source === "identity"
          ? "An owner is set on this identity itself. Use the inherited owner to fall back to its line's or cell's."
          : o.status === "owned"
            ? `It now inherits ${o.name} (${o.why}). An owner set here overrides that.`
            : `No owner applies: ${o.why}.`,
    });
  }

  return (
    <div className="fp-attribution-editor" data-testid="attribution-editor">
      <div className="fp-button-row">
        <Button size="large" icon="person" text={o.source === "identity" ? "Change owner…" : "Set owner…"} onClick={openOwner} />
        {detail.row.kind === "user" && <Button size="large" icon="log-in" text="Record a use…" onClick={() => setUsing(true)} />}
      </div>
      <h4 className="fp-subheading">Holders (who knows or uses it)</h4>
      {current.length === 0 ? (
        <p className="fp-card-note">Nobody is recorded as holding it.</p>
      ) : (
        <ul className="fp-holder-list" aria-label="Holders">
          {current.map((h) => (
            <li key={h.personId}>
              <span>
                {h.name} <span className="fp-card-note">since {formatDate(h.since)}</span>{" "}
                {h.leftAt && (
                  <Tag intent={Intent.WARNING}>
                    left {formatDate(h.leftAt)}
                  </Tag>
                )}
              </span>
              <Button icon="cross" variant="minimal" size="large" aria-label={`Remove holder ${h.name}`} disabled={remove.busy} onClick={() => void removeHolder(h.personId, h.name)} />
            </li>
          ))}
        </ul>
      )}
      <PersonPicker label="Add a holder" people={candidates} emptyText="No one else to add" onAdd={addHolder} busy={add.busy} className="fp-gap-top-small" testId="holder-select" />
      {message && (
        <Callout intent={message.intent} className="fp-callout" data-testid="attribution-message">
          {message.text}
        </Callout>
      )}
      {owning && (
        <OwnerDialog
          target={owning}
          onClose={() => setOwning(undefined)}
          onSaved={(text) => {
            setOwning(undefined);
            done(text);
          }}
        />
      )}
      {using && (
        <UseDialog
          detail={detail}
          onClose={() => setUsing(false)}
          onSaved={(text) => {
            setUsing(false);
            done(text);
          }}
        />
      )}
    </div>
  );
}
