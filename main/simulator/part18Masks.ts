/** Part 18 §5.2.2 PasswordOptionsMask bits. */
export const PASSWORD_OPTIONS = {
  SupportInitialPasswordChange: 1 << 0,
  SupportDisableUser: 1 << 1,
  SupportDisableDeleteForUser: 1 << 2,
  SupportNoChangeForUser: 1 << 3,
  SupportDescriptionForUser: 1 << 4,
  RequiresUpperCaseCharacters: 1 << 5,
  RequiresLowerCaseCharacters: 1 << 6,
  RequiresDigitCharacters: 1 << 7,
  RequiresSpecialCharacters: 1 << 8,
} as const;

/** Part 18 §5.2.3 UserConfigurationMask bits, and the ones the simulator supports. */
export const USER_CONFIGURATION = {
  NoDelete: 1 << 0,
  Disabled: 1 << 1,
  NoChangeByUser: 1 << 2,
  MustChangePassword: 1 << 3,
  /** MustChangePassword (Good_PasswordChangeRequired on ActivateSession) is not simulated. */
  supported: (1 << 0) | (1 << 1) | (1 << 2),
} as const;

export interface UserConfigurationFlags {
  readonly noDelete: boolean;
  readonly disabled: boolean;
  readonly noChangeByUser: boolean;
}

export function toUserConfiguration(flags: UserConfigurationFlags): number {
  return (
    (flags.noDelete ? USER_CONFIGURATION.NoDelete : 0) |
    (flags.disabled ? USER_CONFIGURATION.Disabled : 0) |
    (flags.noChangeByUser ? USER_CONFIGURATION.NoChangeByUser : 0)
  );
}

export function fromUserConfiguration(mask: number): UserConfigurationFlags {
  return {
    noDelete: (mask & USER_CONFIGURATION.NoDelete) !== 0,
    disabled: (mask & USER_CONFIGURATION.Disabled) !== 0,
    noChangeByUser: (mask & USER_CONFIGURATION.NoChangeByUser) !== 0,
  };
}
