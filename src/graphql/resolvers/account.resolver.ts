import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { UnauthenticatedError } from '../../domain/errors.js';
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
  async login(
    @Arg('username', () => String) username: string,
    @Arg('password', () => String) password: string,
    @Ctx() ctx: Context,
  ): Promise<AuthPayload> {
    const nowMs = ctx.now().getTime();
    const wait = ctx.app.loginThrottle.retryAfter(ctx.ip, nowMs);
    if (wait > 0) throw new UnauthenticatedError(`Too many failed sign-ins; try again in ${Math.ceil(wait / 1000)} s`);
    try {
      const result = await login(ctx.db, ctx.app.config.secretKey, username, password, ctx.now());
      ctx.app.loginThrottle.succeeded(ctx.ip);
      return result as AuthPayload;
    } catch (err) {
      if (err instanceof UnauthenticatedError) ctx.app.loginThrottle.failed(ctx.ip, nowMs);
      throw err;
    }
  }
}
