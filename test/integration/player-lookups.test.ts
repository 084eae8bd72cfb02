// A sign-up checks for its twin (the same person signing up again today) by mobile number. With a
// day's players in the table that check must go through players_mobile_idx, not read every player
// signed up today. The statement is the one the server sent (seen through onQuery), planned here
// as a generic plan, so the test needs none of its values.
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { signUpPlayer, seedShow } from '../helpers/api.js';
import { useTestServer } from '../helpers/server.js';

const statements: string[] = [];
const server = await useTestServer({ worker: false, onQuery: (text) => statements.push(text) });
const db = server.app.context.database.db;

type PlanNode = { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; Plans?: PlanNode[] };

function scansOf(node: PlanNode, relation: string): PlanNode[] {
  const own = node['Relation Name'] === relation ? [node] : [];
  return [...own, ...(node.Plans ?? []).flatMap((child) => scansOf(child, relation))];
}

it("a sign-up's twin check finds players by number through an index", async () => {
  const show = await seedShow(server);
  // A busy day: three thousand players signed up, each with a game of the show.
  await db.execute(sql`
    with signed as (
      insert into players (first_name, mobile_number, handedness)
      select 'Player ' || n, '+1415555' || lpad(n::text, 4, '0'), 'RIGHT' from generate_series(1, 3000) n
      returning id)
    insert into games (player_id, show_id) select id, ${show.id} from signed`);
  await db.execute(sql`analyze players`);
  await db.execute(sql`analyze games`);

  statements.length = 0;
  await signUpPlayer(server, { firstName: 'Grace', mobileNumber: '+14155559999' });
  const twinCheck = statements.find((text) => /from "players"/.test(text) && /"mobile_number" = \$/.test(text));
  expect(twinCheck, statements.join('\n')).toBeDefined();

  const params = new Set(twinCheck!.match(/\$\d+/g)).size;
  const plan = await db.transaction(async (tx) => {
    await tx.execute(sql`set local plan_cache_mode = force_generic_plan`);
    await tx.execute(sql.raw(`prepare twin_check as ${twinCheck}`));
    const rows = (await tx.execute(
      sql.raw(`explain (format json) execute twin_check(${Array(params).fill('null').join(', ')})`),
    )) as unknown as Array<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>;
    await tx.execute(sql`deallocate twin_check`);
    return rows[0]!['QUERY PLAN'][0]!.Plan;
  });
  const players = scansOf(plan, 'players');
  expect(
    players.map((scan) => scan['Index Name']),
    JSON.stringify(plan),
  ).toEqual(['players_mobile_idx']);
});
