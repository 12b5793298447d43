// Models and fields
export { apps, createRegistry, defineModel, Model } from './models/model';
export type { ModelDefinition, WithPk } from './models/model';
export { Apps, CheckConstraint, Index, ModelMeta, UniqueConstraint } from './models/meta';
export type { CheckConstraintDefinition, ConstraintDefinition, IndexDefinition, ModelOptions, ReverseRelation, UniqueConstraintDefinition } from './models/meta';
export type {
  AnyModel,
  CreateInput,
  FieldPath,
  FilterArgs,
  InstanceOf,
  ModelClass,
  ModelInstance,
  OrderKey,
  PkValue,
  PrimaryKey,
  RelationName,
  ReverseOne,
  ReverseRelations,
  UpdateInput,
  ValueAt,
  ValuesAll,
  ValuesRow,
  ValuesTuple,
} from './models/types';
export type { ModelMethods } from './models/model-methods';
export { fields } from './fields/index';
export { Field, snakeCase } from './fields/base';
export type { AnyField, Choices, ColumnType, FieldOptions, LookupKind, Vendor } from './fields/base';
export {
  AutoField,
  BigAutoField,
  BigIntegerField,
  BooleanField,
  CharField,
  DateField,
  DateTimeField,
  DecimalField,
  EmailField,
  FloatField,
  IntegerField,
  JSONField,
  PositiveIntegerField,
  SlugField,
  SmallIntegerField,
  TextField,
  URLField,
  UUIDField,
  uuid4,
} from './fields/scalar';
export type { CharFieldOptions, DateFieldOptions, DecimalFieldOptions, JsonValue, SlugFieldOptions } from './fields/scalar';
export { CASCADE, DO_NOTHING, ForeignKey, ManyToManyField, OneToOneField, PROTECT, RESTRICT, SET_DEFAULT, SET_NULL } from './fields/related';
export type { ForeignKeyOptions, ManyToManyOptions, OnDelete } from './fields/related';

// QuerySets
export { QuerySet, Prefetch } from './query/queryset';
export type { DeleteResult } from './query/queryset';
export { Manager } from './query/manager';
export { ManyRelatedManager, RelatedManager } from './query/related-managers';
export { RawQuerySet } from './query/raw';
export { Q, QObject } from './query/q';
export { Abs, Aggregate, Avg, Coalesce, Combined, Count, Expression, F, FExpression, Func, Length, Lower, Max, Min, OrderBy, Sum, Upper, Value } from './query/expressions';
export type { AggregateOptions } from './query/expressions';
export { isStrictNPlusOne, setStrictNPlusOne } from './query/execute';
export { prefetchRelatedObjects } from './query/prefetch';
export type { BulkCreateOptions, SaveOptions } from './query/writes';

// Databases
export { connect } from './db/connect';
export type { ConnectOptions } from './db/connect';
export { allConnections, getConnection } from './db/connections';
export { Database } from './db/database';
export type { AtomicOptions, QueryObserver, QueryRecord, QueryResult } from './db/database';
export { Cursor } from './db/cursor';
export type { DatabaseOptions, DatabaseSettings, DatabasesSetting, PoolSettings } from './db/settings';
export { createTables, dropTables } from './schema/editor';
export { entitySchemaFor } from './schema/entity-schema';

// App, migrations, commands
export { ormApp } from './app';
export type { OrmAppConfig, OrmAppOptions } from './app';
export { ormCommands } from './commands/index';
export { detectChanges, InteractiveQuestioner, MigrationQuestionError, NonInteractiveQuestioner } from './migrations/autodetector';
export type { Questioner, RenamePolicy } from './migrations/autodetector';
export { MigrationError, MigrationExecutor, MIGRATIONS_TABLE, stateBefore } from './migrations/executor';
export type { MigrateReporter, PlanStep } from './migrations/executor';
export { defaultImporter, loadMigrations, MigrationGraph } from './migrations/loader';
export type { LoadedMigration, MigrationSource, MigrationSources, ModuleImporter } from './migrations/loader';
export { describeOperation, IrreversibleError } from './migrations/operations';
export type { Migration, Operation, RunCodeContext } from './migrations/operations';
export { ProjectState, registerFieldType } from './migrations/state';
export type { FieldState, ModelState } from './migrations/state';
export { writeMigration } from './migrations/writer';

// Transactions, pagination, shortcuts, testing
export { atomic, inAtomicBlock, onCommit, setRollback } from './transaction';
export { ELLIPSIS, EmptyPage, InvalidPage, Page, PageNotAnInteger, Paginator } from './paginator';
export type { Paginatable, PaginatorOptions } from './paginator';
export { getListOr404, getObjectOr404 } from './shortcuts';
export { assertNumQueries, captureQueries, QueryCountError } from './testing/index';

// Signals
export { m2mChanged, postDelete, postMigrate, postSave, preDelete, preSave } from './signals';
export type { DeleteArgs, M2MAction, M2MChangedArgs, MigrateArgs, SaveArgs } from './signals';

// Errors
export {
  DatabaseAuthenticationError,
  DatabaseConnectionError,
  DatabaseError,
  DataError,
  FieldDoesNotExist,
  FieldError,
  ImproperlyConfiguredError,
  IntegrityError,
  MultipleObjectsReturned,
  NPlusOneError,
  ObjectDoesNotExist,
  OperationalError,
  ProgrammingError,
  ProtectedError,
  RelatedObjectNotLoaded,
  RestrictedError,
  TransactionManagementError,
} from './errors';
// one ValidationError for models and forms: core's
export { ValidationError } from '@manouche/core';
