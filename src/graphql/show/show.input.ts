import { MaxLength, MinLength } from 'class-validator';
import { Field, InputType, Int } from 'type-graphql';
import { SMS_MAX, SOUVENIR_MAX } from '../../domain/show-input.js';
import { DateScalar } from '../common/scalars.js';

const TEXTS = 'Placeholders: {firstName} {position} {eta} {link} {url}; any other {name} is refused.';
const OPTIONAL = `Absent: unchanged (the default when created); null or blank: the default. ${TEXTS}`;

// The domain checks every field again after trimming (src/domain/show-input.ts), the optional
// texts only there (a null must pass through to mean "the default").
@InputType('ShowInput')
export class ShowInput {
  @Field(() => String) @MinLength(1) @MaxLength(120) name!: string;
  @Field(() => DateScalar) date!: string;
  @Field(() => String, { description: TEXTS }) @MaxLength(SMS_MAX) welcomeMessage!: string;
  @Field(() => String, { description: TEXTS }) @MaxLength(SMS_MAX) recallMessage!: string;
  @Field(() => String, { description: `Must contain {url}. ${TEXTS}` })
  @MaxLength(SOUVENIR_MAX)
  souvenirMessage!: string;
  @Field(() => String, { nullable: true, description: `The reply to HELP or INFO. ${OPTIONAL}` })
  helpMessage?: string | null;
  @Field(() => String, { nullable: true, description: `The reply to LEAVE. ${OPTIONAL}` })
  leaveMessage?: string | null;
  @Field(() => String, { nullable: true, description: `The reply to LATE from a recalled player. ${OPTIONAL}` })
  lateMessage?: string | null;
  @Field(() => String, { nullable: true, description: `Texted to a player cancelled as a no-show. ${OPTIONAL}` })
  noShowMessage?: string | null;
  @Field(() => Int, {
    nullable: true,
    description: 'Minutes a game typically takes (1–120, default 4): wait estimates use it until games complete.',
  })
  typicalGameMinutes?: number | null;
  @Field(() => Int, {
    nullable: true,
    description: 'Minutes after a recall before an unconfirmed player is a no-show (1–1440); null: NO_SHOW_MINUTES.',
  })
  noShowMinutes?: number | null;
  @Field(() => String, {
    nullable: true,
    description:
      'How the souvenir prints distances: "ft" or "m" (the game reports feet). Absent: unchanged; null: "ft".',
  })
  distanceUnit?: string | null;
  @Field(() => String, {
    nullable: true,
    description:
      "The venue's time zone (IANA, e.g. America/New_York) for the souvenir's date. Absent: unchanged; null: the TZ setting.",
  })
  timeZone?: string | null;
  @Field(() => String, {
    nullable: true,
    description:
      'A line on the souvenir such as "Presented by …" (at most 60 characters). Absent: unchanged; null or blank: none.',
  })
  sponsorLine?: string | null;
}
