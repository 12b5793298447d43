/** Message levels (Django's). */
export const DEBUG = 10;
export const INFO = 20;
export const SUCCESS = 25;
export const WARNING = 30;
export const ERROR = 40;

export const DEFAULT_TAGS: Readonly<Record<number, string>> = { [DEBUG]: 'debug', [INFO]: 'info', [SUCCESS]: 'success', [WARNING]: 'warning', [ERROR]: 'error' };
export const DEFAULT_LEVELS = { DEBUG, INFO, SUCCESS, WARNING, ERROR } as const;
