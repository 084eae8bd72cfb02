import { Field, ID, ObjectType } from 'type-graphql';
import { ROLES, type Role } from '../../domain/roles.js';
import { domainEnum } from '../common/enums.js';
import { DateTimeScalar } from '../common/scalars.js';

export const RoleEnum = domainEnum('Role', ROLES);

@ObjectType('Account')
export class AccountType {
  @Field(() => ID) id!: number;
  @Field(() => String) username!: string;
  @Field(() => RoleEnum) role!: Role;
}

@ObjectType('AuthPayload')
export class AuthPayload {
  @Field(() => String) token!: string;
  @Field(() => DateTimeScalar) expiresAt!: Date;
  @Field(() => AccountType) account!: AccountType;
}
