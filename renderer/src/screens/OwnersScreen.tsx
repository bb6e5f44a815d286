import { Button, Callout, Intent, Tab, Tabs } from "@blueprintjs/core";
import { useState } from "react";
import type { PersonView, TeamView } from "../../../shared/contract";
import { ScreenHeader } from "../components/ScreenHeader";
import { useApi } from "../useApi";
import { AuthorityMatrix } from "./owners/AuthorityMatrix";
import { ExportCsvDialog, ImportCsvDialog } from "./owners/CsvDialogs";
import { MarkLeftDialog } from "./owners/MarkLeftDialog";
import { PeoplePanel } from "./owners/PeoplePanel";
import { PersonDialog } from "./owners/PersonDialog";
import { TeamDialog } from "./owners/TeamDialog";

type Dialog = { kind: "person"; person?: PersonView } | { kind: "team"; team?: TeamView } | { kind: "import" } | { kind: "export" };

export function OwnersScreen(): React.JSX.Element {
  const directory = useApi("owners.list", {});
  const [tab, setTab] = useState<"people" | "authority">("people");
  const [dialog, setDialog] = useState<Dialog>();
  const [leaving, setLeaving] = useState<PersonView>();
  const close = (): void => setDialog(undefined);

  return (
    <section className="fp-screen">
      <ScreenHeader
        title="Owners"
        subtitle="People and teams accountable for identities, the holders of shared accounts, and who may decide."
        actions={
          <>
            <Button size="large" intent={Intent.PRIMARY} icon="new-person" text="Add person…" onClick={() => setDialog({ kind: "person" })} />
            <Button size="large" icon="people" text="Add team…" onClick={() => setDialog({ kind: "team" })} />
            <Button size="large" icon="import" text="Import CSV…" onClick={() => setDialog({ kind: "import" })} />
            <Button size="large" icon="export" text="Export CSV…" onClick={() => setDialog({ kind: "export" })} />
          </>
        }
      />
      {directory.error && <Callout intent={Intent.DANGER}>{directory.error.message}</Callout>}
      <Tabs id="owners-tabs" large selectedTabId={tab} onChange={(id) => setTab(id as typeof tab)} renderActiveTabPanelOnly>
        <Tab
          id="people"
          title="People and teams"
          panel={
            directory.data ? (
              <PeoplePanel
                directory={directory.data}
                onEditPerson={(person) => setDialog({ kind: "person", person })}
                onMarkLeft={setLeaving}
                onEditTeam={(team) => setDialog({ kind: "team", team })}
              />
            ) : (
              <p aria-busy="true">Loading…</p>
            )
          }
        />
        <Tab id="authority" title="Decision authority" panel={<AuthorityMatrix directory={directory.data} />} />
      </Tabs>
      {dialog?.kind === "person" && <PersonDialog person={dialog.person} teams={directory.data?.teams ?? []} onClose={close} onSaved={close} />}
      {dialog?.kind === "team" && <TeamDialog team={dialog.team} onClose={close} onSaved={close} />}
      {leaving && <MarkLeftDialog person={leaving} onClose={() => setLeaving(undefined)} />}
      {dialog?.kind === "import" && <ImportCsvDialog onClose={close} />}
      {dialog?.kind === "export" && <ExportCsvDialog onClose={close} />}
    </section>
  );
}
