import { defineModel, fields } from '@manouche/orm';

/** A stored session (Django's `django_session` columns, table `sessions_session`). */
export const Session = defineModel('sessions.Session', {
  fields: {
    sessionKey: fields.CharField({ maxLength: 40, primaryKey: true, verboseName: 'session key' }),
    sessionData: fields.TextField({ verboseName: 'session data' }),
    expireDate: fields.DateTimeField({ dbIndex: true, verboseName: 'expire date' }),
  },
  meta: { verboseName: 'session' },
});
