import type { AddressSpace, NodeId, UAUserManagerBase } from "node-opcua";
import type { ControllerStore } from "./controllerStore";
import type { Opcua } from "./opcua";

type IdentityMappingRule = ReturnType<UAUserManagerBase["getIdentitiesForRole"]>[number];

/** IdentityCriteriaType values (Part 3 §12.2.11). */
const CRITERIA = { UserName: 1, Anonymous: 5, AuthenticatedUser: 6 } as const;

export interface SimUserManager extends UAUserManagerBase {
  /** The RoleSet rules are ExtensionObjects built from the loaded nodeset, so they need the address space. */
  attach(addressSpace: AddressSpace): void;
}

/**
 * node-opcua's view of a controller's accounts: logins, roles, and the RoleSet `Identities`
 * (Server/ServerCapabilities/RoleSet/<role>/Identities, one UserName rule per account holding it).
 * Built by a factory because the base class only exists once node-opcua is loaded.
 */
export function createUserManager({ ua }: Opcua, store: ControllerStore, allowAnonymous: boolean): SimUserManager {
  const { DataTypeIds, makeRoles, resolveNodeId, sameNodeId } = ua;

  class Manager extends ua.UAUserManagerBase implements SimUserManager {
    private addressSpace: AddressSpace | undefined;

    attach(addressSpace: AddressSpace): void {
      this.addressSpace = addressSpace;
    }

    override getUserRoles(userName: string): NodeId[] {
      const roles = store.roles(userName);
      return roles.length === 0 ? [] : makeRoles(roles.join(";"));
    }

    override async isValidUser(_session: unknown, userName: string, password: string): Promise<boolean> {
      const valid = await store.authenticate(userName, password);
      if (!valid) store.noteFailedLogin(userName);
      return valid;
    }

    override getIdentitiesForRole(role: NodeId): IdentityMappingRule[] {
      const addressSpace = this.addressSpace;
      if (!addressSpace) return [];
      const rule = (criteriaType: number, criteria: string): IdentityMappingRule =>
        addressSpace.constructExtensionObject(resolveNodeId(DataTypeIds.IdentityMappingRuleType), { criteriaType, criteria }) as IdentityMappingRule;
      const rules: IdentityMappingRule[] = [];
      if (sameNodeId(role, resolveNodeId("WellKnownRole_Anonymous")) && allowAnonymous) rules.push(rule(CRITERIA.Anonymous, ""));
      if (sameNodeId(role, resolveNodeId("WellKnownRole_AuthenticatedUser"))) rules.push(rule(CRITERIA.AuthenticatedUser, ""));
      for (const userName of store.userNames()) {
        if (this.getUserRoles(userName).some((granted) => sameNodeId(granted, role))) rules.push(rule(CRITERIA.UserName, userName));
      }
      return rules;
    }
  }

  return new Manager();
}
