import { Drawer, DrawerSize, H3 } from "@blueprintjs/core";
import { GENERAL_HELP, SCREEN_HELP, type HelpSection } from "../help";
import { ROUTES, type RouteId } from "../routes";

interface Props {
  readonly isOpen: boolean;
  readonly route: RouteId;
  readonly onClose: () => void;
}

function Section({ section, testId }: { readonly section: HelpSection; readonly testId?: string }): React.JSX.Element {
  return (
    <section className="fp-help-section" data-testid={testId}>
      <H3>{section.title}</H3>
      <ul>
        {section.lines.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
    </section>
  );
}

/** The built-in guide: the screen you are on first, then the keys and the other screens. */
export function HelpDrawer({ isOpen, route, onClose }: Props): React.JSX.Element {
  const others = ROUTES.filter((r) => r.id !== route);
  return (
    <Drawer isOpen={isOpen} onClose={onClose} title={`Help: ${SCREEN_HELP[route].title}`} icon="help" size={DrawerSize.SMALL} className="fp-help">
      <div className="fp-help-body" data-testid="help-drawer">
        <Section section={SCREEN_HELP[route]} testId="help-current" />
        <Section section={GENERAL_HELP} />
        <details>
          <summary>The other screens</summary>
          {others.map((r) => (
            <Section key={r.id} section={SCREEN_HELP[r.id]} />
          ))}
        </details>
      </div>
    </Drawer>
  );
}
