/**
 * The Kysely database type. Each library adds its own tables by module augmentation:
 *
 *   declare module '../../persistence/src/schema' { interface Database { my_table: MyTable } }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Database {}
