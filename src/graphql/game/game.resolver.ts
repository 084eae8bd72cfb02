import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import { liveOf } from '../../context.js';
import type { Page } from '../../db/keyset.js';
import type { Game, Message, Player, Show } from '../../db/schema.js';
import { parseId } from '../../domain/ids.js';
import { MAY } from '../../domain/roles.js';
import { findGames } from '../../services/game-query.service.js';
import {
  cancelGame,
  completeGame,
  correctResult,
  moveGame,
  regenerateSouvenir,
  resendSouvenir,
} from '../../services/game.service.js';
import type { Context } from '../context.js';
import { MessageType } from '../message/message.type.js';
import { PlayerType } from '../player/player.type.js';
import { ShowType } from '../show/show.type.js';
import { GameResultInput, GamesArgs } from './game.input.js';
import { GameConnection, GameEventType, GameType } from './game.type.js';

@Resolver(() => GameType)
export class GameResolver {
  @Query(() => GameType, { nullable: true })
  game(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Game | null> {
    return ctx.loaders.game.load(parseId(id));
  }

  @Query(() => GameConnection, {
    description: 'Games, newest first unless orderBy says otherwise; `first` 1–100 (default 20).',
  })
  games(@Args(() => GamesArgs) args: GamesArgs, @Ctx() ctx: Context): Promise<Page<Game>> {
    return findGames(ctx, args);
  }

  @Authorized(MAY.tablet)
  @Mutation(() => GameType, { description: 'NEW or RECALLED → QUEUED (a re-queued player keeps their place).' })
  queueGame(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Game> {
    return moveGame(ctx, id, 'queue');
  }

  @Authorized(MAY.tablet)
  @Mutation(() => GameType, {
    description: 'QUEUED → RECALLED; texts the recall message to a player with a mobile number.',
  })
  recallGame(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Game> {
    return moveGame(ctx, id, 'recall');
  }

  @Authorized(MAY.tablet)
  @Mutation(() => GameType, {
    description: 'NEW, QUEUED or RECALLED → CONFIRMED; a player without a team joins the smallest.',
  })
  confirmGame(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Game> {
    return moveGame(ctx, id, 'confirm');
  }

  @Authorized(MAY.vrGame)
  @Mutation(() => GameType, { description: 'CONFIRMED → PLAYING.' })
  playGame(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Game> {
    return moveGame(ctx, id, 'play');
  }

  @Authorized(MAY.vrGame)
  @Mutation(() => GameType, {
    description: 'PLAYING → COMPLETED with the result; renders the souvenir and recalls the next players.',
  })
  completeGame(
    @Arg('id', () => ID) id: string,
    @Arg('result', () => GameResultInput) result: GameResultInput,
    @Ctx() ctx: Context,
  ): Promise<Game> {
    return completeGame(ctx, id, result);
  }

  @Authorized(MAY.cancel)
  @Mutation(() => GameType, {
    description: 'Any state but COMPLETED or CANCELLED → CANCELLED; recalls the next players.',
  })
  cancelGame(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Game> {
    return cancelGame(ctx, id);
  }

  @Authorized(MAY.staff)
  @Mutation(() => GameType, {
    description: 'Renders the souvenir of a COMPLETED game again, without texting the player.',
  })
  regenerateSouvenir(@Arg('gameId', () => ID) gameId: string, @Ctx() ctx: Context): Promise<Game> {
    return regenerateSouvenir(ctx, gameId);
  }

  @Authorized(...MAY.staff)
  @Mutation(() => GameType, {
    description:
      'Corrects the result of a COMPLETED game (STAFF, ADMIN): recorded in its history with the result before and after; team scores and leaderboard follow; the souvenir is rendered again and texted again only with notify: true.',
  })
  correctResult(
    @Arg('gameId', () => ID) gameId: string,
    @Arg('result', () => GameResultInput) result: GameResultInput,
    @Arg('notify', () => Boolean, { defaultValue: false }) notify: boolean,
    @Ctx() ctx: Context,
  ): Promise<Game> {
    return correctResult(ctx, gameId, result, notify);
  }

  @Authorized(...MAY.staff)
  @Mutation(() => GameType, {
    description:
      'Texts the player of a COMPLETED game their souvenir again as a new message, rendering it first if it was never stored (STAFF, ADMIN). CONFLICT while a souvenir text for the game is still on its way.',
  })
  resendSouvenir(@Arg('gameId', () => ID) gameId: string, @Ctx() ctx: Context): Promise<Game> {
    return resendSouvenir(ctx, gameId);
  }

  // Each event's root is the game the live hub loaded (once per burst, shared by all subscribers).
  @Subscription(() => GameType, {
    description: 'One game: first as it is, then after every change to it.',
    subscribe: ({ args, context }) => liveOf((context as Context).app).game(args.id),
  })
  gameChanged(@Root() game: Game, @Arg('id', () => ID) _id: string): Game {
    return game;
  }

  @FieldResolver(() => PlayerType)
  async player(@Root() game: Game, @Ctx() ctx: Context): Promise<Player> {
    return (await ctx.loaders.player.load(game.playerId))!;
  }

  @FieldResolver(() => ShowType)
  async show(@Root() game: Game, @Ctx() ctx: Context): Promise<Show> {
    return (await ctx.loaders.show.load(game.showId))!;
  }

  // The souvenir shows the player's photo: only for signed-in accounts (the player gets it by text).
  @FieldResolver(() => String, { nullable: true, description: 'null for anonymous callers' })
  souvenirUrl(@Root() game: Game, @Ctx() ctx: Context): string | null {
    return ctx.viewer ? game.souvenirUrl : null;
  }

  @FieldResolver(() => Int, {
    nullable: true,
    description: '1-based among QUEUED games of its show; null when not QUEUED',
  })
  queuePosition(@Root() game: Game, @Ctx() ctx: Context): Promise<number | null> | null {
    return game.state === 'QUEUED' ? ctx.loaders.queuePosition.load(game.id) : null;
  }

  @FieldResolver(() => [GameEventType], { description: 'Every transition, oldest first.' })
  async history(@Root() game: Game, @Ctx() ctx: Context): Promise<GameEventType[]> {
    const events = await ctx.loaders.history.load(game.id);
    return events.map((e) => ({
      from: e.fromState,
      to: e.toState,
      at: e.at,
      actor: e.actor,
      correction: e.correction ?? null,
    }));
  }

  @Authorized(...MAY.staff)
  @FieldResolver(() => [MessageType], {
    description:
      'SMS messages about this game, oldest first. STAFF and ADMIN only: others get FORBIDDEN (UNAUTHENTICATED when signed out), since messages hold phone numbers.',
  })
  messages(@Root() game: Game, @Ctx() ctx: Context): Promise<Message[]> {
    return ctx.loaders.messages.load(game.id);
  }
}
