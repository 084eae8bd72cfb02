import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import { MAY } from '../../domain/roles.js';
import { showReport, type ShowReport } from '../../services/report.service.js';
import type { Context } from '../context.js';
import { ShowReportType } from './report.type.js';

@Resolver(() => ShowReportType)
export class ReportResolver {
  @Authorized(...MAY.staff)
  @Query(() => ShowReportType, {
    description:
      "The show's report (STAFF, ADMIN): players, games completed and cancelled, no-shows, games per hour, waits, play and recall times, texts and souvenir links opened. Printable at /staff/report?show=<id>, CSV at /staff/report.csv?show=<id>.",
  })
  showReport(@Arg('showId', () => ID) showId: string, @Ctx() ctx: Context): Promise<ShowReport> {
    return showReport(ctx, showId);
  }
}
