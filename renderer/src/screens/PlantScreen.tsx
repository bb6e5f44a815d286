import { Button, NonIdealState } from "@blueprintjs/core";
import { ScreenHeader } from "../components/ScreenHeader";

export function PlantScreen(): React.JSX.Element {
  return (
    <section className="fp-screen">
      <ScreenHeader title="Plant" subtitle="Site, areas, lines and cells with the controllers on them and their security posture." />
      <NonIdealState
        icon="diagram-tree"
        title="No controllers yet"
        description="Load a plant file or scan the bay's controllers to see their endpoints, certificates and accounts here."
        action={<Button size="large" icon="search" text="Scan controllers" disabled title="Scanning arrives with controller discovery" />}
      />
    </section>
  );
}
