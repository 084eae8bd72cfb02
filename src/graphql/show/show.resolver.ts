import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Show } from '../../db/schema.js';
import { DEFAULT_TEXTS } from '../../domain/messages.js';
import { MAY } from '../../domain/roles.js';
import { listShows } from '../../services/show-query.service.js';
import { createShow, currentShow, updateShow } from '../../services/show.service.js';
import type { Context } from '../context.js';
import { ShowInput } from './show.input.js';
import { ShowType } from './show.type.js';

@Resolver(() => ShowType)
export class ShowResolver {
  @Query(() => [ShowType], { description: 'Every show, newest date first.' })
  shows(@Ctx() ctx: Context): Promise<Show[]> {
    return listShows(ctx);
  }

  @Query(() => ShowType, {
    nullable: true,
    description: 'The show sign-ups go to by default: latest date, ties highest id.',
  })
  currentShow(@Ctx() ctx: Context): Promise<Show | null> {
    return currentShow(ctx.read);
  }

  @Authorized(MAY.admin)
  @Mutation(() => ShowType)
  createShow(@Arg('input', () => ShowInput) input: ShowInput, @Ctx() ctx: Context): Promise<Show> {
    return createShow(ctx, input);
  }

  @Authorized(MAY.admin)
  @Mutation(() => ShowType)
  updateShow(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => ShowInput) input: ShowInput,
    @Ctx() ctx: Context,
  ): Promise<Show> {
    return updateShow(ctx, id, input);
  }

  @FieldResolver(() => String, { description: 'The reply to HELP or INFO.' })
  helpMessage(@Root() show: Show): string {
    return show.helpMessage ?? DEFAULT_TEXTS.help;
  }

  @FieldResolver(() => String, { description: 'The reply to LEAVE.' })
  leaveMessage(@Root() show: Show): string {
    return show.leaveMessage ?? DEFAULT_TEXTS.leave;
  }

  @FieldResolver(() => String, { description: 'The reply to LATE from a recalled player.' })
  lateMessage(@Root() show: Show): string {
    return show.lateMessage ?? DEFAULT_TEXTS.late;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "The show's logo on its souvenirs (a PNG; upload with PUT /shows/:id/logo); null: none.",
  })
  logoUrl(@Root() show: Show, @Ctx() ctx: Context): string | null {
    return show.logoKey ? ctx.app.storage.urlFor(show.logoKey) : null;
  }

  @FieldResolver(() => String, { description: 'Texted to a player cancelled as a no-show.' })
  noShowMessage(@Root() show: Show): string {
    return show.noShowMessage ?? DEFAULT_TEXTS.noShow;
  }
}
