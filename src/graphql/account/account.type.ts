import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ROLES, type Role } from '../../domain/roles.js';
import { domainEnum } from '../common/enums.js';
import { DateTimeScalar } from '../common/scalars.js';

export const RoleEnum = domainEnum('Role', ROLES);

// Never the password hash or the version: only what staff need to manage accounts.
@ObjectType('Account')
export class AccountType {
  @Field(() => ID) id!: number;
  @Field(() => String) username!: string;
  @Field(() => RoleEnum) role!: Role;
  // enabled is a field resolver (account.resolver.ts).
  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was disabled; null while enabled.' })
  disabledAt!: Date | null;
  @Field(() => DateTimeScalar) createdAt!: Date;
}

@ObjectType('AuthPayload')
export class AuthPayload {
  @Field(() => String) token!: string;
  @Field(() => DateTimeScalar) expiresAt!: Date;
  @Field(() => AccountType) account!: AccountType;
}

@ObjectType('AuditEntry', { description: 'One audited change: who did what to which subject, and when.' })
export class AuditEntryType {
  @Field(() => Int) id!: number;
  @Field(() => DateTimeScalar) at!: Date;
  @Field(() => String, { description: 'The username that made the change (or "system").' }) actor!: string;
  @Field(() => String, {
    description: 'e.g. account.create, account.password, account.disable, game.correct, player.erase',
  })
  action!: string;
  @Field(() => String, { description: '`account:<username>`, `game:<id>` or `player:<id>`.' }) subject!: string;
  @Field(() => String, {
    nullable: true,
    description: 'Details as JSON (e.g. the role created, a result before and after).',
  })
  detail!: string | null;
}
