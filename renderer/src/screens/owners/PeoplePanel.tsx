import { Button, H2, HTMLTable, Intent, NonIdealState, Tag } from "@blueprintjs/core";
import type { Directory, PersonView, TeamView } from "../../../../shared/contract";
import { formatDate } from "../../format";

interface Props {
  readonly directory: Directory;
  readonly onEditPerson: (person: PersonView) => void;
  readonly onMarkLeft: (person: PersonView) => void;
  readonly onEditTeam: (team: TeamView) => void;
}

const EMPLOYER_INTENT = { staff: Intent.NONE, contractor: Intent.PRIMARY, vendor: Intent.WARNING } as const;

/** People (employer, team, active or left, what they hold) and teams. */
export function PeoplePanel({ directory, onEditPerson, onMarkLeft, onEditTeam }: Props): React.JSX.Element {
  const teamName = new Map(directory.teams.map((t) => [t.teamId, t.name]));
  const active = directory.people.filter((p) => !p.leftAt);
  const left = directory.people.filter((p) => p.leftAt);
  return (
    <div className="fp-owners-people">
      <H2 className="fp-section-title">
        People <span className="fp-card-unit">{active.length} active{left.length > 0 ? `, ${left.length} left` : ""}</span>
      </H2>
      {directory.people.length === 0 ? (
        <NonIdealState icon="person" title="No people yet" description="Add the people who own, hold or approve: staff, contractors and vendors. Or import them from a CSV file." />
      ) : (
        <HTMLTable className="fp-table" striped aria-label="People" data-testid="people-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Employer</th>
              <th scope="col">Team</th>
              <th scope="col">Status</th>
              <th scope="col">Holds</th>
              <th scope="col">
                <span className="fp-sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {[...active, ...left].map((p) => (
              <tr key={p.personId} className={p.leftAt ? "fp-row-left" : undefined} data-person={p.personId}>
                <td>
                  <strong>{p.name}</strong>
                  <div className="fp-card-note fp-mono">{p.personId}</div>
                </td>
                <td>{p.role || "—"}</td>
                <td>
                  <Tag minimal intent={EMPLOYER_INTENT[p.employer]} size="large">
                    {p.employer}
                  </Tag>
                  {p.company && <div className="fp-card-note">{p.company}</div>}
                </td>
                <td>{p.teamId ? (teamName.get(p.teamId) ?? p.teamId) : "—"}</td>
                <td>
                  {p.leftAt ? (
                    <Tag intent={Intent.WARNING} size="large" icon="log-out">
                      left {formatDate(p.leftAt)}
                    </Tag>
                  ) : (
                    <Tag intent={Intent.SUCCESS} size="large" minimal>
                      active
                    </Tag>
                  )}
                  {p.hasApproverKey && (
                    <Tag minimal icon="key" className="fp-tag-gap" title="Can approve on this laptop with a PIN">
                      approver
                    </Tag>
                  )}
                </td>
                <td className="fp-holds">{p.holds.length === 0 ? "—" : p.holds.map((h) => h.replace(/^user\//, "")).join(", ")}</td>
                <td className="fp-row-actions">
                  <Button size="large" icon="edit" text="Edit" aria-label={`Edit ${p.name}`} onClick={() => onEditPerson(p)} />
                  {!p.leftAt && <Button size="large" icon="log-out" text="Mark as left…" aria-label={`Mark ${p.name} as left`} onClick={() => onMarkLeft(p)} />}
                </td>
              </tr>
            ))}
          </tbody>
        </HTMLTable>
      )}
      <H2 className="fp-section-title">Teams</H2>
      {directory.teams.length === 0 ? (
        <p className="fp-card-note">No teams yet. A team can own whole lines or cells, so their identities inherit an owner.</p>
      ) : (
        <HTMLTable className="fp-table" striped aria-label="Teams" data-testid="teams-table">
          <thead>
            <tr>
              <th scope="col">Team</th>
              <th scope="col">Description</th>
              <th scope="col">Active members</th>
              <th scope="col">
                <span className="fp-sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {directory.teams.map((t) => (
              <tr key={t.teamId}>
                <td>
                  <strong>{t.name}</strong>
                  <div className="fp-card-note fp-mono">{t.teamId}</div>
                </td>
                <td>{t.description || "—"}</td>
                <td>{t.members}</td>
                <td className="fp-row-actions">
                  <Button size="large" icon="edit" text="Edit" aria-label={`Edit team ${t.name}`} onClick={() => onEditTeam(t)} />
                </td>
              </tr>
            ))}
          </tbody>
        </HTMLTable>
      )}
    </div>
  );
}
