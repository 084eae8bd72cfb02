import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { login, type Viewer } from '../../services/auth.service.js';
import type { Context } from '../context.js';
import { AccountType, AuthPayload } from './account.type.js';

@Resolver(() => AccountType)
export class AccountResolver {
  @Query(() => AccountType, { nullable: true, description: 'The signed-in account, or null.' })
  me(@Ctx() ctx: Context): Viewer | null {
    return ctx.viewer;
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
