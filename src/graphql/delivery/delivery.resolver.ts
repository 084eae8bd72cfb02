import { Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { MAY } from '../../domain/roles.js';
import { deliveryStatus, type DeliveryStatus } from '../../services/delivery-status.service.js';
import type { Context } from '../context.js';
import { DeliveryStatusType } from './delivery.type.js';

@Resolver(() => DeliveryStatusType)
export class DeliveryResolver {
  @Authorized(...MAY.staff)
  @Query(() => DeliveryStatusType, {
    description: 'The delivery backlog and the state of each outside provider (STAFF, ADMIN).',
  })
  deliveryStatus(@Ctx() ctx: Context): Promise<DeliveryStatus> {
    // From the primary: during an outage the backlog changes by the second.
    return deliveryStatus(ctx.db, ctx.now());
  }
}
