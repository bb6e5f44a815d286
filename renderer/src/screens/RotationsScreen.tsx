import { NonIdealState } from "@blueprintjs/core";
import { ScreenHeader } from "../components/ScreenHeader";

export function RotationsScreen(): React.JSX.Element {
  return (
    <section className="fp-screen">
      <ScreenHeader title="Rotations" subtitle="Change a credential, prove the new one works and the old one is rejected." />
      <NonIdealState
        icon="key"
        title="No rotations yet"
        description="Rotations you start, and any left pending by an interrupted run, are listed here with their proof."
      />
    </section>
  );
}
