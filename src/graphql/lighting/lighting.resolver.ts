import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { liveOf } from '../../context.js';
import type { Cue } from '../../domain/lighting.js';
import { MAY } from '../../domain/roles.js';
import {
  lightingCuesOf,
  lightingOf,
  setLighting,
  setLightingCues,
  type LightingView,
} from '../../services/lighting.service.js';
import type { Context } from '../context.js';
import { LightingCueInput } from './lighting.input.js';
import { LightingCueType, LightingType } from './lighting.type.js';

@Resolver(() => LightingType)
export class LightingResolver {
  @Query(() => LightingType, { description: "A show's booth lighting; showId omitted: the current show." })
  lighting(@Arg('showId', () => ID, { nullable: true }) showId: string | null, @Ctx() ctx: Context) {
    return lightingOf(ctx, showId);
  }

  @Query(() => [LightingCueType], {
    description: "A show's cue table (the default one until an admin stores one); showId omitted: the current show.",
  })
  lightingCues(@Arg('showId', () => ID, { nullable: true }) showId: string | null, @Ctx() ctx: Context) {
    return lightingCuesOf(ctx, showId);
  }

  @Authorized(MAY.lighting)
  @Mutation(() => LightingType, {
    description:
      "Sets the booth's cue by name (the show's cue table; letter case does not matter); the lights follow within a moment.",
  })
  setLighting(
    @Arg('cue', () => String) cue: string,
    @Arg('showId', () => ID, { nullable: true }) showId: string | null,
    @Ctx() ctx: Context,
  ): Promise<LightingView> {
    return setLighting(ctx, cue, showId);
  }

  @Authorized(MAY.admin)
  @Mutation(() => [LightingCueType], {
    description:
      "Replaces a show's cue table. It must keep the attract and in-game cues; a team's cue is named after the team.",
  })
  setLightingCues(
    @Arg('showId', () => ID) showId: string,
    @Arg('cues', () => [LightingCueInput]) cues: LightingCueInput[],
    @Ctx() ctx: Context,
  ): Promise<Cue[]> {
    return setLightingCues(ctx, showId, cues);
  }

  // Each event's root is the lighting the live hub loaded (once per change, shared by all subscribers).
  @Subscription(() => LightingType, {
    description:
      "A show's booth lighting (the current show when showId is omitted): first as it is, then after every change.",
    subscribe: ({ args, context }) => liveOf((context as Context).app).lighting(args.showId),
  })
  lightingChanged(
    @Root() lighting: LightingView,
    @Arg('showId', () => ID, { nullable: true }) _showId?: string | null,
  ): LightingView {
    return lighting;
  }
}
