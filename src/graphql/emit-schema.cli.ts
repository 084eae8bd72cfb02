// `npm run schema`: rewrite schema.graphql from the type-graphql classes.
import path from 'node:path';
import { emitSchemaFile } from './schema.js';

const file = path.resolve('schema.graphql');
await emitSchemaFile(file);
console.log(`wrote ${file}`);
