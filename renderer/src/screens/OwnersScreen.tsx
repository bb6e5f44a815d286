import { NonIdealState } from "@blueprintjs/core";
import { ScreenHeader } from "../components/ScreenHeader";

export function OwnersScreen(): React.JSX.Element {
  return (
    <section className="fp-screen">
      <ScreenHeader title="Owners" subtitle="People and teams accountable for identities, the holders of shared accounts, and who may decide." />
      <NonIdealState
        icon="people"
        title="No people or teams yet"
        description="Add people and teams, or import them from a CSV file, then assign owners and holders to identities."
      />
    </section>
  );
}
