import { Field, Int, ObjectType } from 'type-graphql';
import { DELIVERY_PROVIDERS, type DeliveryProvider } from '../../domain/delivery.js';
import { domainEnum } from '../common/enums.js';
import { DateTimeScalar } from '../common/scalars.js';

export const DeliveryProviderEnum = domainEnum(
  'DeliveryProvider',
  DELIVERY_PROVIDERS,
  'An outside service deliveries depend on: TWILIO (texts), S3 (souvenir uploads).',
);

@ObjectType('ProviderStatus', { description: "An outside provider as the deliveries' circuit breaker sees it." })
export class ProviderStatusType {
  @Field(() => DeliveryProviderEnum) provider!: DeliveryProvider;
  @Field(() => Boolean, {
    description: 'False while it fails: only one probe at a time calls it, once per backoff step.',
  })
  up!: boolean;
  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When it last went down or came back; null if it never failed.',
  })
  since!: Date | null;
  @Field(() => Int, { description: 'Probes failed in a row while down.' }) failures!: number;
  @Field(() => DateTimeScalar, { nullable: true }) nextProbeAt!: Date | null;
  @Field(() => String, { nullable: true }) lastError!: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) lastErrorAt!: Date | null;
}

@ObjectType('DeliveryStatus', {
  description: 'Texts and souvenir uploads waiting for the outside world (e.g. while the venue is offline).',
})
export class DeliveryStatusType {
  @Field(() => Int, { description: 'Texts queued and not yet accepted by the provider.' }) pendingMessages!: number;
  @Field(() => Int, { description: 'Souvenirs kept on local disk and not yet in S3.' }) pendingUploads!: number;
  @Field(() => DateTimeScalar, { nullable: true }) oldestPendingMessageAt!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) oldestPendingUploadAt!: Date | null;
  @Field(() => Int, { description: 'Age of the oldest pending text or upload, in seconds; 0 when nothing waits.' })
  oldestPendingAgeSeconds!: number;
  @Field(() => Int, { description: 'Texts never sent because they no longer mattered (stale).' })
  skippedMessages!: number;
  @Field(() => [ProviderStatusType]) providers!: ProviderStatusType[];
}
