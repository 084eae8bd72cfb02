import { Field, ID, Int, ObjectType } from 'type-graphql';
import {
  MESSAGE_DIRECTIONS,
  MESSAGE_KINDS,
  MESSAGE_STATUSES,
  type MessageDirection,
  type MessageKind,
  type MessageStatus,
} from '../../domain/messages.js';
import { domainEnum } from '../common/enums.js';
import { DateTimeScalar } from '../common/scalars.js';

export const MessageKindEnum = domainEnum('MessageKind', MESSAGE_KINDS);
export const MessageDirectionEnum = domainEnum('MessageDirection', MESSAGE_DIRECTIONS);
export const MessageStatusEnum = domainEnum(
  'MessageStatus',
  MESSAGE_STATUSES,
  'QUEUED until the provider accepts it; DELIVERED or FAILED from its delivery reports.',
);

@ObjectType('Message', {
  description:
    'One SMS the server decided to send (welcome, recall, souvenir, no-show, or a REPLY to a text), or one it received (INBOUND).',
})
export class MessageType {
  @Field(() => ID) id!: number;
  @Field(() => MessageKindEnum) kind!: MessageKind;
  @Field(() => MessageDirectionEnum) direction!: MessageDirection;
  @Field(() => String, { nullable: true, description: 'The sender of an inbound text (E.164); null for ours.' })
  from!: string | null;
  @Field(() => String, { description: 'The number it was sent to (E.164).' }) to!: string;
  @Field(() => String) body!: string;
  @Field(() => MessageStatusEnum) status!: MessageStatus;
  @Field(() => String, { nullable: true, description: "The provider's id (Twilio message SID)." }) providerId!:
    string | null;
  @Field(() => Int, { description: 'Send attempts so far, retries included.' }) attempts!: number;
  @Field(() => String, {
    nullable: true,
    description: 'The last failure, as the provider reported it, or why it was skipped (stale, opted out).',
  })
  error!: string | null;
  @Field(() => DateTimeScalar) createdAt!: Date;
  @Field(() => DateTimeScalar) updatedAt!: Date;
}
