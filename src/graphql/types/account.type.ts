import { Field, ID, ObjectType } from 'type-graphql';
import type { Role } from '../../domain/roles.js';
import { RoleEnum } from './enums.js';
import { DateTimeScalar } from './scalars.js';

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
