import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar } from './scalars.js';

export enum MessageKindEnum {
  WELCOME = 'welcome',
  RECALL = 'recall',
  SOUVENIR = 'souvenir',
}
export enum MessageStatusEnum {
  QUEUED = 'queued',
  SENT = 'sent',
  DELIVERED = 'delivered',
  FAILED = 'failed',
}
registerEnumType(MessageKindEnum, { name: 'MessageKind' });
registerEnumType(MessageStatusEnum, {
  name: 'MessageStatus',
  description: 'QUEUED until the provider accepts it; DELIVERED or FAILED from its delivery reports.',
});

@ObjectType('Message', { description: 'One SMS the server decided to send (welcome, recall or souvenir).' })
export class MessageType {
  @Field(() => ID) id!: number;
  @Field(() => MessageKindEnum) kind!: MessageKindEnum;
  @Field(() => String, { description: 'The number it was sent to (E.164).' }) to!: string;
  @Field(() => String) body!: string;
  @Field(() => MessageStatusEnum) status!: MessageStatusEnum;
  @Field(() => String, { nullable: true, description: "The provider's id (Twilio message SID)." }) providerId!:
    string | null;
  @Field(() => Int, { description: 'Send attempts so far, retries included.' }) attempts!: number;
  @Field(() => String, { nullable: true, description: 'The last failure, as the provider reported it.' }) error!:
    string | null;
  @Field(() => DateTimeScalar) createdAt!: Date;
  @Field(() => DateTimeScalar) updatedAt!: Date;
}
