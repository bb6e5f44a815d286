import { NonIdealState } from "@blueprintjs/core";
import { ScreenHeader } from "../components/ScreenHeader";

export function EvidenceScreen(): React.JSX.Element {
  return (
    <section className="fp-screen">
      <ScreenHeader title="Evidence" subtitle="Signed, chained change records, their export for IT, and IT's receipts." />
      <NonIdealState
        icon="shield"
        title="No records yet"
        description="Every change you make or observe becomes a signed record here first. Export them to a USB stick for IT when you leave the bay."
      />
    </section>
  );
}
