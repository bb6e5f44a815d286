import { Button } from "@blueprintjs/core";
import { ROUTES, type RouteId } from "../routes";

interface Props {
  readonly current: RouteId;
  readonly onNavigate: (route: RouteId) => void;
  readonly onHelp: () => void;
}

export function Sidebar({ current, onNavigate, onHelp }: Props): React.JSX.Element {
  return (
    <nav className="fp-sidebar" aria-label="Screens">
      <div className="fp-brand">
        <span className="fp-brand-mark" aria-hidden="true">
          FP
        </span>
        <span className="fp-brand-name">Fieldproof</span>
      </div>
      <ul className="fp-nav">
        {ROUTES.map((route, index) => (
          <li key={route.id}>
            <Button
              className="fp-nav-item"
              variant="minimal"
              size="large"
              fill
              alignText="start"
              icon={route.icon}
              active={route.id === current}
              aria-current={route.id === current ? "page" : undefined}
              title={`${route.hint} (Ctrl+${index + 1})`}
              onClick={() => onNavigate(route.id)}
              text={route.label}
            />
          </li>
        ))}
      </ul>
      <Button className="fp-nav-item fp-nav-help" variant="minimal" size="large" fill alignText="start" icon="help" title="A short guide to this screen (F1)" onClick={onHelp} text="Help" />
    </nav>
  );
}
