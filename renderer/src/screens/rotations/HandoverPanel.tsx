import { Button, Callout, FormGroup, HTMLTable, InputGroup, Intent, Tag } from "@blueprintjs/core";
import { useId, useState } from "react";
import type { HandoverView } from "../../../../shared/contract";
import { FormDialog } from "../../components/FormDialog";
import { formatDateTime } from "../../format";
import { useApi, useWrite } from "../../useApi";

type Given = { personName: string; method: "pin" | "slip"; passwords: { controllerId: string; controllerName: string; password: string }[]; waitingFor: string[] };

/**
 * Shared accounts whose new password waits on this laptop for their holders: who still needs it,
 * a button per holder, and "close" for the rest to ask IT. Nothing here holds a password; the
 * dialog shows one holder's once.
 */
export function HandoverPanel(): React.JSX.Element | null {
  const list = useApi("rotations.handovers", {});
  const closing = useWrite("rotations.closeHandover");
  const [open, setOpen] = useState<{ handover: HandoverView; personId: string }>();
  const [note, setNote] = useState<{ intent: Intent; text: string }>();
  const handovers = list.data?.handovers ?? [];
  if (handovers.length === 0 && !note && !open) return null;

  async function close(h: HandoverView): Promise<void> {
    const result = await closing.run({ identityId: h.identityId });
    setNote(
      result.ok
        ? { intent: Intent.PRIMARY, text: `The laptop forgot the new password of ${h.userName}.${result.value.notReceived.length > 0 ? ` ${result.value.notReceived.join(", ")} did not get it: they ask IT, which holds the sealed copy.` : ""}` }
        : { intent: Intent.DANGER, text: result.error.message },
    );
  }

  return (
    <section aria-label="Passwords to hand over" data-testid="handover-panel">
      {note && (
        <Callout intent={note.intent} className="fp-callout" data-testid="handover-note">
          {note.text}
        </Callout>
      )}
      {handovers.map((h) => {
        const waiting = h.holders.filter((x) => x.missing.length > 0);
        return (
          <Callout key={h.identityId} intent={Intent.WARNING} icon="people" className="fp-callout" title={`Hand over the new password of ${h.userName}`} data-testid={`handover-${h.identityId}`}>
            <p>
              Rotated on {h.controllers.length} controller{h.controllers.length === 1 ? "" : "s"}. Hand over to: <strong data-testid="handover-to">{waiting.map((x) => x.name).join(", ")}</strong>. The laptop keeps it for them until {formatDateTime(h.expiresAt)}; after that, or once closed, only IT's sealed copy remains.
            </p>
            <div className="fp-button-row">
              {waiting.map((x) => (
                <Button key={x.personId} size="large" icon="hand-right" text={`Hand over to ${x.name}…`} onClick={() => setOpen({ handover: h, personId: x.personId })} data-testid={`handover-open-${x.personId}`} />
              ))}
              <Button size="large" icon="disable" text="Close: the rest ask IT" loading={closing.busy} onClick={() => void close(h)} />
            </div>
          </Callout>
        );
      })}
      {open && (
        <HandoverDialog
          handover={open.handover}
          personId={open.personId}
          onClose={(given) => {
            setOpen(undefined);
            if (given) setNote({ intent: Intent.SUCCESS, text: `Handed over to ${given.personName} (${given.method === "pin" ? "after their PIN" : "on a slip"}), recorded.${given.waitingFor.length > 0 ? ` Still to hand over to: ${given.waitingFor.join(", ")}.` : " Every holder has it now; the laptop forgot it."}` });
          }}
        />
      )}
    </section>
  );
}

function HandoverDialog({ handover, personId, onClose }: { readonly handover: HandoverView; readonly personId: string; readonly onClose: (given?: Given) => void }): React.JSX.Element {
  const holder = handover.holders.find((h) => h.personId === personId)!;
  const pinId = useId();
  const [pin, setPin] = useState("");
  const [error, setError] = useState<string>();
  const [given, setGiven] = useState<Given>();
  const giving = useWrite("rotations.handOver");

  async function show(): Promise<void> {
    setError(undefined);
    const result = await giving.run({ identityId: handover.identityId, personId, ...(holder.hasPin ? { pin } : {}) });
    setPin("");
    if (!result.ok) return setError(result.error.message);
    setGiven(result.value);
  }

  return (
    <FormDialog
      onClose={() => onClose(given)}
      title={given ? `New password of ${handover.userName} for ${holder.name}` : `Hand over ${handover.userName} to ${holder.name}`}
      icon="hand-right"
      className="fp-wizard"
      closeText={given ? "Done: hide it" : "Cancel"}
      primary={given ? undefined : { text: holder.hasPin ? "Show to them" : "Show for the slip", icon: "eye-open", onClick: () => void show(), disabled: holder.hasPin && pin.length === 0, busy: giving.busy, testId: "handover-show" }}
      error={error}
      errorTitle="Not shown"
    >
      {given ? (
        <>
          <p>Shown once, and recorded. {given.method === "slip" ? "Write it on a slip, seal it and hand it over." : `${holder.name} reads it now.`}</p>
          <HTMLTable className="fp-table" aria-label="New passwords per controller">
            <thead>
              <tr>
                <th scope="col">Controller</th>
                <th scope="col">New password of {handover.userName}</th>
              </tr>
            </thead>
            <tbody>
              {given.passwords.map((p) => (
                <tr key={p.controllerId}>
                  <td>{p.controllerName}</td>
                  <td className="fp-handover-password" data-testid={`handover-password-${p.controllerId}`}>
                    {p.password}
                  </td>
                </tr>
              ))}
            </tbody>
          </HTMLTable>
        </>
      ) : (
        <>
          <p>
            {holder.name} holds {handover.userName}. They get its new password for {holder.missing.length} controller{holder.missing.length === 1 ? "" : "s"}:{" "}
            {holder.missing.map((id) => (
              <Tag key={id} minimal size="large" className="fp-tag-gap">
                {handover.controllers.find((c) => c.controllerId === id)?.controllerName ?? id}
              </Tag>
            ))}
          </p>
          {holder.hasPin ? (
            <FormGroup label={`${holder.name}'s PIN`} labelFor={pinId} helperText="They type it themselves: their key signs the record that they received it.">
              <InputGroup id={pinId} size="large" type="password" autoFocus value={pin} onValueChange={setPin} autoComplete="off" />
            </FormGroup>
          ) : (
            <p>{holder.name} has no PIN on this laptop, so the record says you handed it over on a slip.</p>
          )}
        </>
      )}
    </FormDialog>
  );
}
