import { Button, Callout, Dialog, DialogBody, DialogFooter, Intent } from "@blueprintjs/core";
import type { IconName } from "@blueprintjs/icons";
import type { ReactNode } from "react";

/** An answer shown in the dialog: what was done, or why not. */
export interface DialogMessage {
  readonly intent: Intent;
  readonly text: string;
  readonly title?: string;
}

export interface PrimaryAction {
  readonly text: string;
  readonly icon?: IconName;
  /** PRIMARY unless the action deserves a second look (WARNING: marks someone as left, spends logins). */
  readonly intent?: Intent;
  readonly disabled?: boolean;
  /** Under way: the button spins and cannot be pressed again. */
  readonly busy?: boolean;
  readonly onClick: () => void;
  readonly testId?: string;
}

interface Props {
  /** Default true: a dialog is mounted when it opens, so its form starts from what it edits. */
  readonly isOpen?: boolean;
  readonly title: string;
  readonly icon?: IconName;
  /** Omitted: the dialog cannot be dismissed (no close button, no Escape), e.g. unlocking the laptop. */
  readonly onClose?: () => void;
  /** "Cancel" before anything was done, "Done" once the dialog shows what it did. */
  readonly closeText?: string;
  readonly closeDisabled?: boolean;
  /** Omitted: the close button is the only (primary) action. */
  readonly primary?: PrimaryAction;
  /** Further actions, left of the close button (e.g. "Use inherited owner"). */
  readonly secondary?: ReactNode;
  /** Why the action did not happen (main's message). */
  readonly error?: string;
  readonly errorTitle?: string;
  readonly errorTestId?: string;
  readonly message?: DialogMessage;
  readonly messageTestId?: string;
  /**
   * Enter in a field presses the primary action (quicker than aiming with gloves on). Off where one
   * press does much at once and the form should be read through first (the rotation wizard).
   */
  readonly submitOnEnter?: boolean;
  readonly className?: string;
  readonly children: ReactNode;
}

/** Every form dialog: title, body, what went wrong or what was done, then close and the primary action. */
export function FormDialog({
  isOpen = true,
  title,
  icon,
  onClose,
  closeText = "Cancel",
  closeDisabled = false,
  primary,
  secondary,
  error,
  errorTitle,
  errorTestId,
  message,
  messageTestId,
  submitOnEnter = true,
  className,
  children,
}: Props): React.JSX.Element {
  const closable = onClose !== undefined;
  const canSubmit = primary !== undefined && !primary.disabled && !primary.busy;
  return (
    <Dialog
      isOpen={isOpen}
      onClose={onClose}
      title={title}
      icon={icon}
      className={className}
      isCloseButtonShown={closable}
      canEscapeKeyClose={closable && !closeDisabled}
      canOutsideClickClose={false}
    >
      <form
        className="fp-dialog-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (submitOnEnter && canSubmit) primary.onClick();
        }}
      >
        <DialogBody>
          {children}
          {message && (
            <Callout intent={message.intent} title={message.title} className="fp-callout fp-prewrap" role={message.intent === Intent.DANGER ? "alert" : "status"} data-testid={messageTestId}>
              {message.text}
            </Callout>
          )}
          {error && (
            <Callout intent={Intent.DANGER} icon="error" title={errorTitle} className="fp-callout fp-prewrap" role="alert" data-testid={errorTestId}>
              {error}
            </Callout>
          )}
        </DialogBody>
        <DialogFooter
          actions={
            <>
              {secondary}
              {closable && <Button size="large" text={closeText} intent={primary ? Intent.NONE : Intent.PRIMARY} disabled={closeDisabled} onClick={onClose} />}
              {primary && (
                <Button
                  size="large"
                  type={submitOnEnter ? "submit" : "button"}
                  intent={primary.intent ?? Intent.PRIMARY}
                  icon={primary.icon}
                  text={primary.text}
                  loading={primary.busy}
                  disabled={primary.disabled}
                  onClick={submitOnEnter ? undefined : primary.onClick}
                  data-testid={primary.testId}
                />
              )}
            </>
          }
        />
      </form>
    </Dialog>
  );
}

/** Main's refusal as a dialog message. */
export function refusal(text: string): DialogMessage {
  return { intent: Intent.DANGER, text };
}
