import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Page } from '../../db/keyset.js';
import type { Game, Player, Team } from '../../db/schema.js';
import { parseId } from '../../domain/ids.js';
import { lastNameInitial } from '../../domain/public-view.js';
import { MAY } from '../../domain/roles.js';
import { findPlayers } from '../../services/player-query.service.js';
import { erasePlayer } from '../../services/erasure.service.js';
import { signUpWithGame, startGame, updatePlayer } from '../../services/player.service.js';
import type { Context } from '../context.js';
import { GameType } from '../game/game.type.js';
import { TeamType } from '../team/team.type.js';
import { PlayersArgs, SignUpInput, UpdatePlayerInput } from './player.input.js';
import { PlayerConnection, PlayerType } from './player.type.js';

@Resolver(() => PlayerType)
export class PlayerResolver {
  @Query(() => PlayerType, { nullable: true })
  player(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Player | null> {
    return ctx.loaders.player.load(parseId(id));
  }

  @Query(() => PlayerConnection, {
    description:
      'Players, newest first unless orderBy says otherwise; state, game dates and GAME_* orders refer to the active (latest) game.',
  })
  players(@Args(() => PlayersArgs) args: PlayersArgs, @Ctx() ctx: Context): Promise<Page<Player>> {
    return findPlayers(ctx, args);
  }

  @Authorized(...MAY.admin)
  @Mutation(() => PlayerType, {
    description:
      'Erases a player at their request (ADMIN): names become "Erased"; mobile number, e-mail, photo and profile id are removed; the photo and every souvenir file are deleted from storage and their short links answer 410 Gone; texts to the player are redacted. Games stay, anonymised, so scores and counts remain true.',
  })
  erasePlayer(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Player> {
    return erasePlayer(ctx, id);
  }

  @Authorized(MAY.tablet)
  @Mutation(() => PlayerType, {
    description: 'Creates the player and their first (NEW) game for the show, or the current show.',
  })
  async signUp(@Arg('input', () => SignUpInput) input: SignUpInput, @Ctx() ctx: Context): Promise<Player> {
    const { player, game } = await signUpWithGame(ctx, input);
    // The new game is the player's active one: answered without reading it back.
    if (game) ctx.loaders.activeGame.prime(player.id, game);
    return player;
  }

  @Authorized(MAY.tablet)
  @Mutation(() => PlayerType, { description: 'Changes the given fields; null or blank clears an optional one.' })
  updatePlayer(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdatePlayerInput) input: UpdatePlayerInput,
    @Ctx() ctx: Context,
  ): Promise<Player> {
    return updatePlayer(ctx, id, input);
  }

  @Authorized(MAY.tablet)
  @Mutation(() => GameType, {
    description: 'A new game for a returning player whose last game is COMPLETED or CANCELLED.',
  })
  startGame(
    @Arg('playerId', () => ID) playerId: string,
    @Arg('showId', () => ID, { nullable: true }) showId: string | null | undefined,
    @Ctx() ctx: Context,
  ): Promise<Game> {
    return startGame(ctx, playerId, showId);
  }

  // Personal data only for signed-in accounts (the booth devices and staff), never for anonymous readers.
  @FieldResolver(() => String, { nullable: true, description: 'Only its initial for anonymous callers' })
  lastName(@Root() player: Player, @Ctx() ctx: Context): string | null {
    return ctx.viewer ? player.lastName : lastNameInitial(player.lastName);
  }

  @FieldResolver(() => String, { nullable: true, description: 'null for anonymous callers' })
  profileId(@Root() player: Player, @Ctx() ctx: Context): string | null {
    return ctx.viewer ? player.profileId : null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'null for anonymous callers' })
  photoUrl(@Root() player: Player, @Ctx() ctx: Context): string | null {
    return ctx.viewer ? player.photoUrl : null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'E.164; null for anonymous callers' })
  mobileNumber(@Root() player: Player, @Ctx() ctx: Context): string | null {
    return ctx.viewer ? player.mobileNumber : null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'null for anonymous callers' })
  email(@Root() player: Player, @Ctx() ctx: Context): string | null {
    return ctx.viewer ? player.email : null;
  }

  @FieldResolver(() => TeamType, { nullable: true })
  team(@Root() player: Player, @Ctx() ctx: Context): Promise<Team | null> | null {
    return player.teamId ? ctx.loaders.team.load(player.teamId) : null;
  }

  @FieldResolver(() => GameType, { nullable: true, description: 'The latest game of the player.' })
  activeGame(@Root() player: Player, @Ctx() ctx: Context): Promise<Game | null> {
    return ctx.loaders.activeGame.load(player.id);
  }

  @FieldResolver(() => [GameType], { description: 'Every game of the player, oldest first.' })
  games(@Root() player: Player, @Ctx() ctx: Context): Promise<Game[]> {
    return ctx.loaders.gamesByPlayer.load(player.id);
  }
}
