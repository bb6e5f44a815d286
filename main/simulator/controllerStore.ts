import { mkdir } from "node:fs/promises";
import { hashPassword, verifyPassword, type PasswordHash } from "./passwords";
import { ControllerState, type ControllerPaths, type StoredUser } from "./state";
import { readJson, writeJsonAtomic } from "./atomicFile";
import type { SimAccount, SimUserSnapshot, WellKnownRole } from "./types";

export interface UserChange {
  readonly password?: string;
  readonly description?: string;
  readonly noDelete?: boolean;
  readonly disabled?: boolean;
  readonly noChangeByUser?: boolean;
}

export interface NewUser {
  readonly userName: string;
  readonly password: string;
  readonly roles: readonly WellKnownRole[];
  readonly description: string;
  readonly noDelete: boolean;
  readonly disabled: boolean;
  readonly noChangeByUser: boolean;
}

/**
 * One controller's persistent state (port and accounts). Every change is written to disk (atomic
 * replace) before it takes effect in memory, so a change reported Good survives a crash, and one
 * that failed to save never half-applies. Changes are serialized.
 */
export class ControllerStore {
  private queue: Promise<unknown> = Promise.resolve();
  /** Failed OPC UA logins per account since the simulator started (a real controller's lock-out counter). */
  private readonly failures = new Map<string, number>();

  private constructor(
    private readonly paths: ControllerPaths,
    private state: ControllerState,
  ) {}

  /** The controller's saved state, or undefined if it has none yet. */
  static async load(paths: ControllerPaths, id: string): Promise<ControllerStore | undefined> {
    const existing = await readJson(paths.stateFile, ControllerState);
    if (!existing) return undefined;
    if (existing.id !== id) throw new Error(`${paths.stateFile} belongs to controller ${existing.id}, not ${id}`);
    return new ControllerStore(paths, existing);
  }

  /** A new state file from the seeded accounts (passwords hashed here) and the port picked for it. */
  static async create(paths: ControllerPaths, id: string, accounts: readonly SimAccount[], port: number): Promise<ControllerStore> {
    await mkdir(paths.folder, { recursive: true });
    const users = await Promise.all(
      accounts.map(
        async (account): Promise<StoredUser> => ({
          userName: account.userName,
          roles: [...account.roles],
          description: account.description,
          noDelete: account.noDelete,
          disabled: false,
          noChangeByUser: false,
          password: await hashPassword(account.initialPassword),
          alsoAccepted: [],
        }),
      ),
    );
    const state: ControllerState = { format: "fieldproof-sim-controller/v1", id, port, users };
    await writeJsonAtomic(paths.stateFile, state);
    return new ControllerStore(paths, state);
  }

  get port(): number {
    return this.state.port;
  }

  /** Moves a controller no plant file has seen yet to another port (its first start found it taken). */
  async movePort(port: number): Promise<void> {
    const next = { ...this.state, port };
    await writeJsonAtomic(this.paths.stateFile, next);
    this.state = next;
  }

  has(userName: string): boolean {
    return this.find(userName) !== undefined;
  }

  roles(userName: string): readonly WellKnownRole[] {
    return this.find(userName)?.roles ?? [];
  }

  user(userName: string): StoredUser | undefined {
    return this.find(userName);
  }

  userNames(): readonly string[] {
    return this.state.users.map((user) => user.userName);
  }

  /** The login check: a disabled account never authenticates. */
  async authenticate(userName: string, password: string): Promise<boolean> {
    const user = this.find(userName);
    if (!user || user.disabled) return false;
    return this.passwordMatches(user, password);
  }

  /** Counts a refused session login for `userName` (the counter a lock-out policy would act on). */
  noteFailedLogin(userName: string): void {
    this.failures.set(userName, (this.failures.get(userName) ?? 0) + 1);
  }

  failedLogins(userName: string): number {
    return this.failures.get(userName) ?? 0;
  }

  /** Whether `password` is (one of) the account's password(s), whatever its state. */
  async passwordMatches(user: StoredUser, password: string): Promise<boolean> {
    for (const hash of [user.password, ...user.alsoAccepted]) {
      if (await verifyPassword(password, hash)) return true;
    }
    return false;
  }

  snapshot(): SimUserSnapshot[] {
    return this.state.users.map((user) => ({
      userName: user.userName,
      roles: [...user.roles],
      description: user.description,
      disabled: user.disabled,
      noDelete: user.noDelete,
      noChangeByUser: user.noChangeByUser,
      ...(user.passwordChangedAt ? { passwordChangedAt: user.passwordChangedAt } : {}),
    }));
  }

  /** `keepOld`: the fault where a controller keeps accepting the replaced password. */
  async modify(userName: string, change: UserChange, options: { keepOld?: boolean } = {}): Promise<void> {
    await this.update(async (users) => {
      const index = users.findIndex((user) => user.userName === userName);
      const current = users[index];
      if (!current) throw new Error(`no user ${userName}`);
      let password: PasswordHash = current.password;
      let alsoAccepted = current.alsoAccepted;
      let passwordChangedAt = current.passwordChangedAt;
      if (change.password !== undefined) {
        password = await hashPassword(change.password);
        alsoAccepted = options.keepOld ? [...current.alsoAccepted, current.password] : [];
        passwordChangedAt = new Date().toISOString();
      }
      const next: StoredUser = {
        ...current,
        description: change.description ?? current.description,
        noDelete: change.noDelete ?? current.noDelete,
        disabled: change.disabled ?? current.disabled,
        noChangeByUser: change.noChangeByUser ?? current.noChangeByUser,
        password,
        alsoAccepted,
        ...(passwordChangedAt ? { passwordChangedAt } : {}),
      };
      return users.map((user, i) => (i === index ? next : user));
    });
  }

  /** Gives the seeded accounts the roles of the build (saved only if one differs); other accounts are kept as they are. */
  async syncRoles(accounts: readonly SimAccount[]): Promise<void> {
    const rolesOf = new Map(accounts.map((account) => [account.userName, account.roles]));
    const differs = (user: StoredUser): boolean => {
      const roles = rolesOf.get(user.userName);
      return roles !== undefined && JSON.stringify(roles) !== JSON.stringify(user.roles);
    };
    if (!this.state.users.some(differs)) return;
    await this.update(async (users) => users.map((user) => (differs(user) ? { ...user, roles: [...(rolesOf.get(user.userName) ?? user.roles)] } : user)));
  }

  async add(user: NewUser): Promise<void> {
    await this.update(async (users) => {
      if (users.some((existing) => existing.userName === user.userName)) throw new Error(`user ${user.userName} exists`);
      const stored: StoredUser = {
        userName: user.userName,
        roles: [...user.roles],
        description: user.description,
        noDelete: user.noDelete,
        disabled: user.disabled,
        noChangeByUser: user.noChangeByUser,
        password: await hashPassword(user.password),
        alsoAccepted: [],
        passwordChangedAt: new Date().toISOString(),
      };
      return [...users, stored];
    });
  }

  async remove(userName: string): Promise<void> {
    await this.update(async (users) => users.filter((user) => user.userName !== userName));
  }

  private find(userName: string): StoredUser | undefined {
    return this.state.users.find((user) => user.userName === userName);
  }

  private update(change: (users: readonly StoredUser[]) => Promise<StoredUser[]>): Promise<void> {
    const run = this.queue.then(async () => {
      const next: ControllerState = { ...this.state, users: await change(this.state.users) };
      await writeJsonAtomic(this.paths.stateFile, next);
      this.state = next;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}
