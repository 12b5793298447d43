import { type HttpRequest, ImproperlyConfigured, type Middleware, thenResponse } from '@manouche/core';
import { authSettings } from '../settings';
import { DEBUG, ERROR, INFO, SUCCESS, WARNING } from './constants';
import { type Message, type MessageStorage, messageStorageClass } from './storage';

declare module '@manouche/core' {
  interface HttpRequest {
    /** The flash messages (set by messagesMiddleware). */
    _messages?: MessageStorage;
  }
}

/** A message could not be added: the messages middleware is missing. */
export class MessageFailure extends ImproperlyConfigured {}

/**
 * Django's MessageMiddleware: gives each request its message storage and
 * stores what is left at the end. Put it after sessionMiddleware (for the
 * default session storage). Costs nothing for a request that neither adds
 * nor shows messages.
 */
export const messagesMiddleware: Middleware = (getResponse, app) => {
  const Storage = messageStorageClass(authSettings(app.settings).MESSAGE_STORAGE);
  return (request) => {
    const storage = new Storage(request);
    request._messages = storage;
    return thenResponse(getResponse(request), (response) => {
      storage.update(response);
      return response;
    });
  };
};

export interface AddOptions {
  extraTags?: string;
  /** Do nothing (rather than throw) when the messages middleware is not installed. */
  failSilently?: boolean;
}

/** Django's `messages.add_message`. */
export function addMessage(request: HttpRequest, level: number, message: string, options: AddOptions = {}): void {
  const storage = request._messages;
  if (!storage) {
    if (options.failSilently) return;
    throw new MessageFailure('You cannot add messages without installing messagesMiddleware.');
  }
  storage.add(level, message, options.extraTags);
}

/** The request's messages (iterate them to show them once); empty without the middleware. */
export function getMessages(request: HttpRequest): Iterable<Message> {
  return request._messages ?? [];
}

/** The minimum level recorded for this request. */
export function getLevel(request: HttpRequest): number {
  return request._messages?.level ?? authSettings(request.settings).MESSAGE_LEVEL;
}

/** Change the minimum level recorded for the rest of this request. */
export function setLevel(request: HttpRequest, level: number): boolean {
  if (!request._messages) return false;
  request._messages.level = level;
  return true;
}

const shortcut = (level: number) => (request: HttpRequest, message: string, options?: AddOptions) => addMessage(request, level, message, options);

/** `messages.success(request, 'Saved.')` and friends. */
export const messages = {
  add: addMessage,
  debug: shortcut(DEBUG),
  info: shortcut(INFO),
  success: shortcut(SUCCESS),
  warning: shortcut(WARNING),
  error: shortcut(ERROR),
  getMessages,
  getLevel,
  setLevel,
};
