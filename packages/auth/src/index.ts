import './settings';

// Password hashing
export { PasswordHasher, InvalidPasswordHash, maskHash } from './hashers/hasher';
export type { HashSummary, PasswordHasherSetting } from './hashers/hasher';
export { PBKDF2PasswordHasher, PBKDF2SHA1PasswordHasher } from './hashers/pbkdf2';
export { ScryptPasswordHasher } from './hashers/scrypt';
export { Argon2PasswordHasher } from './hashers/argon2';
export { BCryptPasswordHasher, BCryptSHA256PasswordHasher } from './hashers/bcrypt';
export { checkPassword, getHasher, getHashers, identifyHasher, isPasswordUsable, makePassword, UNUSABLE_PASSWORD_PREFIX, verifyPassword } from './hashers/index';
export { closeHashingPool, HashingPool } from './hashers/worker-pool';
export { getRandomString, RANDOM_STRING_CHARS } from './hashers/random';

// Password validation
export {
  CommonPasswordValidator,
  DEFAULT_PASSWORD_LIST_PATH,
  getPasswordValidators,
  MinimumLengthValidator,
  NumericPasswordValidator,
  passwordValidatorsHelpTexts,
  UserAttributeSimilarityValidator,
  validatePassword,
} from './password-validation';
export type { PasswordValidator, PasswordValidatorSetting } from './password-validation';

// Users, groups, permissions
export { abstractBaseUserFields, abstractUserFields, defineUserModel, Group, Permission, permissionsMixinFields, User, UserManager, usernameValidator } from './models';
export type { UserInstance, UserModelClass, UserModelInstance, UserModelOptions, UserModelStatics } from './models';
export { AnonymousUser, anonymousUser } from './anonymous-user';
export { getUserModel } from './get-user-model';
export type { AuthUser, AuthUserMethods } from './user-methods';
export { AllowAllUsersModelBackend, cachedPermissions, clearPermissionCache, ModelBackend } from './backends/model-backend';
export { getBackends } from './backends/index';
export type { AuthBackend, AuthBackendSetting, Credentials } from './backends/types';

// Logging in
export {
  authenticate,
  BACKEND_SESSION_KEY,
  getUser,
  HASH_SESSION_KEY,
  login,
  logout,
  REDIRECT_FIELD_NAME,
  SESSION_KEY,
  updateLastLogin,
  updateSessionAuthHash,
  userLoggedIn,
  userLoggedOut,
  userLoginFailed,
} from './auth';
export { UserNotLoaded } from './request-user';
export { authenticationMiddleware, eagerAuthenticationMiddleware } from './middleware';
export { loginRequired, loginRequiredMixin, permissionRequired, permissionRequiredMixin, redirectToLogin, resolveUrl, userPassesTest, userPassesTestMixin } from './decorators';
export type { UserTestOptions } from './decorators';
export { urlHasAllowedHostAndScheme } from './url-safety';

// Sessions
export { CreateError, isValidSessionKey, SessionBase, SessionInterrupted, UpdateError, VALID_KEY_CHARS } from './sessions/base';
export type { SessionData, SessionStoreClass } from './sessions/base';
export { DatabaseSessionStore } from './sessions/db';
export { CacheSessionStore } from './sessions/cache';
export { CachedDatabaseSessionStore } from './sessions/cached-db';
export { SignedCookieSessionStore } from './sessions/signed-cookies';
export { Session } from './sessions/model';
export { sessionStoreClass } from './sessions/engines';
export type { SessionEngineSetting } from './sessions/engines';
export { sessionMiddleware } from './sessions/middleware';

// Settings
export { authDefaults, authSettings } from './settings';
export type { AuthSettings, LoginThrottleSetting } from './settings';

// Reset tokens, throttling, email
export { defaultTokenGenerator, PasswordResetTokenGenerator, uidFromBase64, uidToBase64 } from './tokens';
export { LoginThrottle, loginThrottle } from './throttle';
export type { ThrottleResult } from './throttle';
export { BadHeaderError, formatMessage as formatEmail, getConnection, outbox, sendMail, sendMessages } from './mail/backends';
export type { EmailBackend, EmailBackendSetting, EmailMessage } from './mail/backends';

// Views
export { INVALID_LOGIN, LOCKED_OUT, loginView, logoutView, safeNextUrl } from './views/login';
export type { LoginViewOptions, LogoutViewOptions } from './views/login';
export {
  INTERNAL_RESET_SESSION_TOKEN,
  passwordChangeDoneView,
  passwordChangeView,
  passwordResetCompleteView,
  passwordResetConfirmView,
  passwordResetDoneView,
  passwordResetView,
} from './views/password';
export type { PasswordResetConfirmOptions, PasswordResetViewOptions, ResetEmailContext } from './views/password';
export { authUrls } from './views/urls';
export { AuthForm } from './views/forms';
export type { FormField } from './views/forms';

// Messages
export { addMessage, getLevel, getMessages, MessageFailure, messages, messagesMiddleware, setLevel } from './messages/api';
export type { AddOptions } from './messages/api';
export { CookieStorage, Message, MessageStorage, SessionStorage } from './messages/storage';
export type { MessageStorageSetting } from './messages/storage';
export { DEBUG, DEFAULT_LEVELS, DEFAULT_TAGS, ERROR, INFO, SUCCESS, WARNING } from './messages/constants';

// Templates
export { authContextProcessor, contextProcessors, messagesContextProcessor, PermWrapper, permsContextProcessor } from './context-processors';

// Permissions, commands, the app
export { createPermissions, createPermissionsAfterMigrate, DEFAULT_PERMISSIONS, modelPermissions, permissionsFor } from './permissions';
export type { CreatePermissionsOptions, PermissionOptions } from './permissions';
export { changepasswordCommand, clearsessionsCommand, createpermissionsCommand, createsuperuserCommand, SUPERUSER_ENV_PREFIX } from './commands';
export { authMigrations } from './migrations/index';
export { authApp, authChecks, authModels } from './app';
export type { AuthAppConfig } from './app';
