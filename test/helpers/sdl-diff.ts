// What a schema lacks compared with a contract: types, fields, arguments, enum values, and each
// field's and argument's named type (and list shape). A server may add; it may not drop or rename.
import {
  OperationTypeNode,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLSchema,
  type GraphQLType,
} from 'graphql';

function kindOf(t: unknown): string {
  if (isObjectType(t)) return 'object';
  if (isInputObjectType(t)) return 'input';
  if (isEnumType(t)) return 'enum';
  if (isScalarType(t)) return 'scalar';
  if (isInterfaceType(t)) return 'interface';
  return 'union';
}

/** `[Game!]!` → `[Game]`: the named type and list nesting, ignoring non-null. */
function shape(t: GraphQLType): string {
  if (isNonNullType(t)) return shape(t.ofType);
  if (isListType(t)) return `[${shape(t.ofType)}]`;
  return getNamedType(t).name;
}

export function missingFromSchema(contract: GraphQLSchema, actual: GraphQLSchema): string[] {
  const problems: string[] = [];
  for (const [name, want] of Object.entries(contract.getTypeMap())) {
    if (name.startsWith('__')) continue;
    const have = actual.getType(name);
    if (!have) {
      problems.push(`missing type ${name}`);
      continue;
    }
    if (kindOf(want) !== kindOf(have)) {
      problems.push(`type ${name} is a ${kindOf(have)}, the contract has a ${kindOf(want)}`);
      continue;
    }
    if (isEnumType(want) && isEnumType(have)) {
      for (const v of want.getValues())
        if (!have.getValue(v.name)) problems.push(`missing enum value ${name}.${v.name}`);
    }
    if (
      (isObjectType(want) || isInputObjectType(want) || isInterfaceType(want)) &&
      !isEnumType(have) &&
      !isScalarType(have)
    ) {
      const haveFields = (have as typeof want).getFields() as Record<
        string,
        GraphQLField<unknown, unknown> | GraphQLInputField
      >;
      for (const [fieldName, wantField] of Object.entries(want.getFields()) as Array<
        [string, GraphQLField<unknown, unknown> | GraphQLInputField]
      >) {
        const haveField = haveFields[fieldName];
        if (!haveField) {
          problems.push(`missing field ${name}.${fieldName}`);
          continue;
        }
        if (shape(wantField.type) !== shape(haveField.type)) {
          problems.push(
            `field ${name}.${fieldName} is ${shape(haveField.type)}, the contract has ${shape(wantField.type)}`,
          );
        }
        const wantArgs: readonly GraphQLArgument[] = 'args' in wantField ? wantField.args : [];
        const haveArgs: readonly GraphQLArgument[] = 'args' in haveField ? haveField.args : [];
        for (const arg of wantArgs) {
          const got = haveArgs.find((a) => a.name === arg.name);
          if (!got) problems.push(`missing argument ${name}.${fieldName}(${arg.name})`);
          else if (shape(got.type) !== shape(arg.type)) {
            problems.push(
              `argument ${name}.${fieldName}(${arg.name}) is ${shape(got.type)}, the contract has ${shape(arg.type)}`,
            );
          }
        }
      }
    }
  }
  for (const op of [OperationTypeNode.QUERY, OperationTypeNode.MUTATION, OperationTypeNode.SUBSCRIPTION]) {
    const want = contract.getRootType(op);
    const have = actual.getRootType(op);
    if (want && !have) problems.push(`missing ${op} operation type`);
    else if (want && have && want.name !== have.name)
      problems.push(`${op} root is ${have.name}, the contract has ${want.name}`);
  }
  return problems;
}
