import { Field, Int, ObjectType } from 'type-graphql';
import type { GameState } from '../../domain/game-states.js';
import { DateTimeScalar } from '../common/scalars.js';
import { GameStateEnum } from '../game/game.type.js';
import { ShowType } from '../show/show.type.js';

@ObjectType('DurationStats', { description: 'Durations in whole seconds; null when nothing was measured.' })
export class DurationStatsType {
  @Field(() => Int) count!: number;
  @Field(() => Int, { nullable: true }) median!: number | null;
  @Field(() => Int, { nullable: true }) p90!: number | null;
  @Field(() => Int, { nullable: true }) max!: number | null;
}

@ObjectType('StateCount')
export class StateCountType {
  @Field(() => GameStateEnum) state!: GameState;
  @Field(() => Int) count!: number;
}

@ObjectType('HourCount')
export class HourCountType {
  @Field(() => String, { description: 'Local hour (TZ), "HH:00".' }) hour!: string;
  @Field(() => Int) completed!: number;
}

@ObjectType('HourWait')
export class HourWaitType {
  @Field(() => String, { description: 'Local hour (TZ), "HH:00", in which the games started playing.' })
  hour!: string;
  @Field(() => Int) games!: number;
  @Field(() => Int, { nullable: true }) medianWaitSeconds!: number | null;
}

@ObjectType('SmsCounts')
export class SmsCountsType {
  @Field(() => Int) total!: number;
  @Field(() => Int, { description: 'Accepted by the provider.' }) sent!: number;
  @Field(() => Int) delivered!: number;
  @Field(() => Int) failed!: number;
  @Field(() => Int, { description: 'Failed because the recipient replied STOP (Twilio 21610).' }) optedOut!: number;
  @Field(() => Int, { description: 'Not sent because it no longer mattered (stale recall, erased player).' })
  skipped!: number;
  @Field(() => Int) queued!: number;
}

@ObjectType('ShowReport', { description: "A show's figures, computed from its recorded history." })
export class ShowReportType {
  @Field(() => ShowType) show!: ShowType;
  @Field(() => Int) playersSignedUp!: number;
  @Field(() => Int) gamesCompleted!: number;
  @Field(() => Int) gamesCancelled!: number;
  @Field(() => [StateCountType], { description: 'Cancelled games by the state they were cancelled from.' })
  cancelledFrom!: StateCountType[];
  @Field(() => Int, { description: 'Recalled players who never came back (cancelled while RECALLED).' })
  noShows!: number;
  @Field(() => [HourCountType]) gamesPerHour!: HourCountType[];
  @Field(() => [HourWaitType]) waitOverDay!: HourWaitType[];
  @Field(() => DurationStatsType, { description: 'From first queued to playing.' }) waitSeconds!: DurationStatsType;
  @Field(() => DurationStatsType, { description: 'From playing to completed.' }) playSeconds!: DurationStatsType;
  @Field(() => DurationStatsType, { description: 'From the last recall to the confirmation.' })
  recallToConfirmSeconds!: DurationStatsType;
  @Field(() => SmsCountsType) sms!: SmsCountsType;
  @Field(() => Int, { description: 'Souvenir short links visited at least once.' }) souvenirLinksOpened!: number;
  @Field(() => Int) souvenirLinkVisits!: number;
  @Field(() => Int, { description: '"Save image" taps on the souvenirs\' share pages.' }) souvenirSaves!: number;
  @Field(() => Int, { description: "Shares through the phone's share sheet from the souvenirs' share pages." })
  souvenirShares!: number;
  @Field(() => DateTimeScalar) generatedAt!: Date;
}
