/**
 * The ORM's exceptions. Each names the bad value and, where there is a fixed
 * set, the valid choices, so a typo from untyped input is easy to fix.
 */

/** Base of the model-level "does not exist" errors: catch it for any model. */
export class ObjectDoesNotExist extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class MultipleObjectsReturned extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A model or field name (from code or from untyped input) that does not exist. */
export class FieldError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class FieldDoesNotExist extends FieldError {}

/** A model definition or a database setting is wrong. */
export class ImproperlyConfiguredError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImproperlyConfigured';
  }
}

/** Deleting would remove objects that a PROTECT foreign key refers to. */
export class ProtectedError extends Error {
  constructor(message: string, readonly protectedObjects: unknown[]) {
    super(message);
    this.name = new.target.name;
  }
}

/** Deleting would break a RESTRICT foreign key. */
export class RestrictedError extends Error {
  constructor(message: string, readonly restrictedObjects: unknown[]) {
    super(message);
    this.name = new.target.name;
  }
}

/** A related object was read before it was loaded (use selectRelated, prefetchRelated or `await obj.related(name)`). */
export class RelatedObjectNotLoaded extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Strict N+1 mode: a relation was loaded lazily for an object that came from a list. */
export class NPlusOneError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Errors from the database, wrapped with the SQL's vendor-neutral meaning (Django's django.db errors). */
export class DatabaseError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
  }
}
export class IntegrityError extends DatabaseError {}
export class OperationalError extends DatabaseError {}
export class ProgrammingError extends DatabaseError {}
export class DataError extends DatabaseError {}
export class TransactionManagementError extends DatabaseError {}

/** The server could not be reached or did not answer in time. */
export class DatabaseConnectionError extends OperationalError {}
/** The server refused the credentials. */
export class DatabaseAuthenticationError extends DatabaseConnectionError {}

/** The sentence "Choices are: a, b, c." used by every "unknown name" error. */
export function choicesList(choices: Iterable<string>): string {
  const sorted = [...new Set(choices)].sort();
  return sorted.length ? `Choices are: ${sorted.join(', ')}.` : 'There are no choices.';
}
