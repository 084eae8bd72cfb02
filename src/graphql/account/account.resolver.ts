import { Arg, Authorized, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Account, AuditEntry } from '../../db/schema.js';
import { MAY, type Role } from '../../domain/roles.js';
import {
  accountById,
  createAccount,
  deleteAccount,
  disableAccount,
  enableAccount,
  listAccounts,
  setPassword,
} from '../../services/account.service.js';
import { latestAudit } from '../../services/audit.service.js';
import { login } from '../../services/auth.service.js';
import type { Context } from '../context.js';
import { AccountType, AuditEntryType, AuthPayload, RoleEnum } from './account.type.js';

@Resolver(() => AccountType)
export class AccountResolver {
  @Query(() => AccountType, { nullable: true, description: 'The signed-in account, or null.' })
  me(@Ctx() ctx: Context): Promise<Account | null> | null {
    return ctx.viewer ? accountById(ctx, ctx.viewer.id) : null;
  }

  @Mutation(() => AuthPayload)
  login(
    @Arg('username', () => String) username: string,
    @Arg('password', () => String) password: string,
    @Ctx() ctx: Context,
  ): ReturnType<typeof login> {
    return login(ctx, ctx.ip, username, password);
  }

  @Authorized(...MAY.admin)
  @Query(() => [AccountType], { description: 'Every account, by username (ADMIN).' })
  accounts(@Ctx() ctx: Context): Promise<Account[]> {
    return listAccounts(ctx);
  }

  @Authorized(...MAY.admin)
  @Mutation(() => AccountType, {
    description: 'A new account of any role (ADMIN). The password must be at least 12 characters long.',
  })
  createAccount(
    @Arg('username', () => String) username: string,
    @Arg('role', () => RoleEnum) role: Role,
    @Arg('password', () => String) password: string,
    @Ctx() ctx: Context,
  ): Promise<Account> {
    return createAccount(ctx, { username, role, password });
  }

  @Authorized()
  @Mutation(() => AccountType, {
    description:
      "Sets an account's password (at least 12 characters) and revokes every token it holds. ADMIN: any account; any other account: its own, with currentPassword.",
  })
  setPassword(
    @Arg('username', () => String) username: string,
    @Arg('password', () => String) password: string,
    @Arg('currentPassword', () => String, { nullable: true }) currentPassword: string | null,
    @Ctx() ctx: Context,
  ): Promise<Account> {
    return setPassword(ctx, ctx.viewer!, ctx.ip, { username, password, currentPassword });
  }

  @Authorized(...MAY.admin)
  @Mutation(() => AccountType, {
    description:
      'Shuts an account out at once: it cannot sign in, its tokens are refused and its WebSockets closed (ADMIN). The last enabled ADMIN cannot be disabled.',
  })
  disableAccount(@Arg('username', () => String) username: string, @Ctx() ctx: Context): Promise<Account> {
    return disableAccount(ctx, username);
  }

  @Authorized(...MAY.admin)
  @Mutation(() => AccountType, {
    description: 'Lets a disabled account sign in again; the tokens it held stay revoked (ADMIN).',
  })
  enableAccount(@Arg('username', () => String) username: string, @Ctx() ctx: Context): Promise<Account> {
    return enableAccount(ctx, username);
  }

  @Authorized(...MAY.admin)
  @Mutation(() => AccountType, {
    description:
      'Removes an account and its tokens (ADMIN). The device accounts (user, mlbtablet, mlbvrgame) and the last enabled ADMIN cannot be deleted.',
  })
  deleteAccount(@Arg('username', () => String) username: string, @Ctx() ctx: Context): Promise<Account> {
    return deleteAccount(ctx, username);
  }

  @Authorized(...MAY.admin)
  @Query(() => [AuditEntryType], {
    description: 'The latest audited changes, newest first; limit 1–500, default 50 (ADMIN).',
  })
  async auditLog(
    @Arg('limit', () => Int, { nullable: true }) limit: number | null,
    @Ctx() ctx: Context,
  ): Promise<AuditEntryType[]> {
    const rows: AuditEntry[] = await latestAudit(ctx, limit);
    return rows.map((r) => ({ ...r, detail: r.detail === null ? null : JSON.stringify(r.detail) }));
  }

  @FieldResolver(() => Boolean, { description: 'false while the account is disabled.' })
  enabled(@Root() account: Account): boolean {
    return account.disabledAt === null;
  }
}
