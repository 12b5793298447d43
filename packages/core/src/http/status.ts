import { STATUS_CODES } from 'node:http';

export const STATUS_PHRASES: Readonly<Record<number, string | undefined>> = STATUS_CODES;
