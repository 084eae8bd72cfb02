// Cursor pagination in the shape of db/keyset's Page: one factory for every paginated node type.
import { ArgsType, Field, Int, ObjectType, type ClassType } from 'type-graphql';

@ObjectType('PageInfo')
export class PageInfo {
  @Field(() => Boolean) hasNextPage!: boolean;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
  @Field(() => Boolean, { description: 'True when the page was read after a cursor (pages only go forward).' })
  hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true }) startCursor!: string | null;
}

/** `first` and `after` of a paginated query; its filter and order extend this class. */
@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, { nullable: true }) first?: number | null;
  @Field(() => String, { nullable: true }) after?: string | null;
}

/** The `<name>Connection` type (and its `<name>Edge`) of the object type `node` named `name`. */
export function Connection<TNode extends object>(name: string, node: ClassType<TNode>) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field(() => String) cursor!: string;
    @Field(() => node) node!: TNode;
  }

  @ObjectType(`${name}Connection`)
  class NodeConnection {
    @Field(() => [Edge]) edges!: Edge[];
    @Field(() => PageInfo) pageInfo!: PageInfo;
    @Field(() => Int) totalCount!: number;
  }

  return NodeConnection;
}
