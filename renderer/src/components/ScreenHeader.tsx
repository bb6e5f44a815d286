import type { ReactNode } from "react";

interface Props {
  readonly title: string;
  readonly subtitle?: string;
  readonly actions?: ReactNode;
}

/** Every screen opens with the same header; its h1 takes focus when the screen changes. */
export function ScreenHeader({ title, subtitle, actions }: Props): React.JSX.Element {
  return (
    <header className="fp-screen-header">
      <div>
        <h1 id="main-heading" tabIndex={-1}>
          {title}
        </h1>
        {subtitle && <p className="fp-subtitle">{subtitle}</p>}
      </div>
      {actions && <div className="fp-screen-actions">{actions}</div>}
    </header>
  );
}
