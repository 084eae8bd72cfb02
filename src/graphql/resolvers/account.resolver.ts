import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { login } from '../../services/auth.service.js';
import type { Context } from '../context.js';
import { AccountType, AuthPayload } from '../types/account.type.js';

@Resolver()
export class AccountResolver {
  @Query(() => AccountType, { nullable: true, description: 'The signed-in account, or null.' })
  me(@Ctx() ctx: Context): AccountType | null {
    return ctx.viewer as AccountType | null;
  }

  @Mutation(() => AuthPayload)
  login(
    @Arg('username', () => String) username: string,
    @Arg('password', () => String) password: string,
    @Ctx() ctx: Context,
  ): ReturnType<typeof login> {
    return login(ctx, ctx.ip, username, password);
  }
}
