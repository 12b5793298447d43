import { path, type UrlPattern } from '@manouche/core';
import { loginView, logoutView } from './login';
import {
  passwordChangeDoneView,
  passwordChangeView,
  passwordResetCompleteView,
  passwordResetConfirmView,
  passwordResetDoneView,
  passwordResetView,
} from './password';

/**
 * Django's `django.contrib.auth.urls`, with its URL names: mount them with
 * `path('accounts/', include(authUrls()))` (LOGIN_URL defaults to
 * `/accounts/login/`).
 */
export function authUrls(): UrlPattern[] {
  return [
    path('login/', loginView(), { name: 'login' }),
    path('logout/', logoutView(), { name: 'logout' }),
    path('password_change/', passwordChangeView(), { name: 'password_change' }),
    path('password_change/done/', passwordChangeDoneView(), { name: 'password_change_done' }),
    path('password_reset/', passwordResetView(), { name: 'password_reset' }),
    path('password_reset/done/', passwordResetDoneView(), { name: 'password_reset_done' }),
    path('reset/<str:uidb64>/<str:token>/', passwordResetConfirmView(), { name: 'password_reset_confirm' }),
    path('reset/done/', passwordResetCompleteView(), { name: 'password_reset_complete' }),
  ];
}
