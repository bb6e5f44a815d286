import { NonIdealState } from "@blueprintjs/core";
import { ScreenHeader } from "../components/ScreenHeader";

export function IdentitiesScreen(): React.JSX.Element {
  return (
    <section className="fp-screen">
      <ScreenHeader title="Identities" subtitle="Every account, certificate and key on the bay, with its owner, holders and findings." />
      <NonIdealState
        icon="id-number"
        title="No identities found yet"
        description="Identities appear after a scan of the plant. Each one shows where it lives, who owns it, who holds it and what is wrong with it."
      />
    </section>
  );
}
