import { authUrls, loginView, logoutView, passwordChangeView, passwordResetConfirmView, passwordResetView } from '@manouche/auth';
import { include, path } from '@manouche/core';
import { cspReportView } from '@manouche/security';
import { cachedForAnonymous } from './news/cache';
import { withSuccessMessage } from './news/flash';
import { accountUrls } from './news/views/accounts';
import { apiUrls } from './news/views/api';
import { feedUrls } from './news/views/feeds';
import { healthz } from './news/views/health';
import { serveMedia } from './news/views/media';
import { articleDetail, authorPage, home, postComment, search, sectionPage, tagPage } from './news/views/public';
import { robots, sitemap } from './news/views/seo';
import { staffUrls } from './news/views/staff';

// the ready-made auth views, with a flash message after each successful form
const authViews = authUrls().map((pattern) => {
  switch (pattern.name) {
    case 'login':
      return path('login/', withSuccessMessage(loginView(), (request) => `You are logged in as ${request.user.getUsername()}.`), { name: 'login' });
    case 'logout':
      return path('logout/', withSuccessMessage(logoutView(), 'You have been logged out.'), { name: 'logout' });
    case 'password_change':
      return path('password_change/', withSuccessMessage(passwordChangeView(), 'Your password was changed.'), { name: 'password_change' });
    case 'password_reset':
      return path('password_reset/', withSuccessMessage(passwordResetView(), 'If an account uses that address, we sent it a link to reset the password.'), { name: 'password_reset' });
    case 'password_reset_confirm':
      return path('reset/<str:uidb64>/<str:token>/', withSuccessMessage(passwordResetConfirmView(), 'Your password was set. You may log in now.'), { name: 'password_reset_confirm' });
    default:
      return pattern;
  }
});

export const urls = [
  path('', cachedForAnonymous(home), { name: 'home' }),
  path('articles/<slug:slug>/', articleDetail, { name: 'article' }),
  path('articles/<slug:slug>/comments/', postComment, { name: 'comment' }),
  path('sections/<slug:slug>/', sectionPage, { name: 'section' }),
  path('tags/<slug:slug>/', tagPage, { name: 'tag' }),
  path('authors/<slug:slug>/', authorPage, { name: 'author' }),
  path('search/', search, { name: 'search' }),
  ...feedUrls,
  ...apiUrls,
  path('sitemap.xml', sitemap, { name: 'sitemap' }),
  path('robots.txt', robots, { name: 'robots' }),
  path('healthz', healthz, { name: 'healthz' }),
  path('csp-report/', cspReportView(), { name: 'csp_report' }),
  path('accounts/', include([...authViews, ...accountUrls])),
  path('newsroom/', include(staffUrls, { namespace: 'staff' })),
  path('media/<path:path>', serveMedia, { name: 'media' }),
];
