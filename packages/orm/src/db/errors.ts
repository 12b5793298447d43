import {
  DatabaseAuthenticationError,
  DatabaseConnectionError,
  DatabaseError,
  DataError,
  IntegrityError,
  OperationalError,
  ProgrammingError,
} from '../errors';
import type { Vendor } from '../fields/base';

interface DriverError {
  code?: string | number;
  errno?: number;
  message?: string;
  sqlState?: string;
}

const PG_CONNECTION_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN', 'ENETUNREACH']);

/** Map a driver error to Django's hierarchy (IntegrityError, DataError…), keeping the original as `cause`. */
export function translateError(vendor: Vendor, error: unknown, sql?: string): Error {
  // duck-typed: a native driver's errors may come from another realm (a test runner's VM context)
  if (error instanceof DatabaseError || error === null || typeof error !== 'object' || typeof (error as { message?: unknown }).message !== 'string') return error as Error;
  const e = error as Error & DriverError;
  const message = e.message;
  let Kind: typeof DatabaseError = DatabaseError;
  if (vendor === 'sqlite') {
    const code = String(e.code ?? '');
    if (code.startsWith('SQLITE_CONSTRAINT')) Kind = IntegrityError;
    else if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_IOERR' || code === 'SQLITE_READONLY') Kind = OperationalError;
    else if (code === 'SQLITE_ERROR' || code === 'SQLITE_RANGE') Kind = /no such table|no such column|syntax error/.test(message) ? ProgrammingError : OperationalError;
    else if (code === 'SQLITE_MISMATCH' || code === 'SQLITE_TOOBIG') Kind = DataError;
    else if (e.name === 'TypeError' || e.name === 'RangeError') Kind = ProgrammingError;
  } else if (vendor === 'postgresql') {
    const code = String(e.code ?? '');
    if (PG_CONNECTION_CODES.has(code)) Kind = DatabaseConnectionError;
    else if (code === '28P01' || code === '28000') Kind = DatabaseAuthenticationError;
    else if (code.startsWith('23')) Kind = IntegrityError;
    else if (code.startsWith('22')) Kind = DataError;
    else if (code.startsWith('42')) Kind = ProgrammingError;
    else if (code.startsWith('08') || code.startsWith('53') || code.startsWith('57') || code.startsWith('40') || code === '3D000') Kind = OperationalError;
  } else {
    const errno = Number(e.errno ?? 0);
    const code = String(e.code ?? '');
    if (PG_CONNECTION_CODES.has(code) || code === 'PROTOCOL_CONNECTION_LOST') Kind = DatabaseConnectionError;
    else if (errno === 1045 || errno === 1698) Kind = DatabaseAuthenticationError;
    else if ([1048, 1062, 1169, 1216, 1217, 1451, 1452, 1557, 1586, 3819, 4025].includes(errno)) Kind = IntegrityError;
    else if ([1264, 1265, 1292, 1366, 1406, 1367, 1690].includes(errno)) Kind = DataError;
    else if ([1054, 1064, 1146, 1149, 1109, 1110].includes(errno)) Kind = ProgrammingError;
    else if ([1040, 1044, 1049, 1205, 1213, 2006, 2013].includes(errno)) Kind = OperationalError;
  }
  const wrapped = new Kind(sql && Kind === ProgrammingError ? `${message} (in SQL: ${sql.length > 300 ? `${sql.slice(0, 300)}…` : sql})` : message, error);
  (wrapped as unknown as { code: unknown }).code = e.code;
  return wrapped;
}
