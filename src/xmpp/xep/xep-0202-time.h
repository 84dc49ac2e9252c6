/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "confab-jid.h"
#include "confab-xmpp-module.h"
#include "confab-xmpp-node.h"

G_BEGIN_DECLS

/*
 * XEP-0202 Entity Time: we answer with our UTC time and offset, and ask
 * others for theirs. Formats are those of XEP-0082.
 */

#define CONFAB_XEP_TIME_NS "urn:xmpp:time"

/* XEP-0082 §3 TZD as used by XEP-0202 §3 <tzo/>: "+hh:mm" or "-hh:mm"
 * (never "Z" when we write it). @offset_seconds is rounded to minutes. */
char      *confab_xep_time_format_tzo   (gint             offset_seconds);
/* Accepts "Z" and "+hh:mm"/"-hh:mm" with hh <= 23 and mm <= 59; "-00:00"
 * (RFC 3339 §4.3: offset unknown, time in UTC) is read as 0. */
gboolean   confab_xep_time_parse_tzo    (const char      *text,
                                         gint            *offset_seconds);
/* XEP-0082 §3 DateTime in UTC: "CCYY-MM-DDThh:mm:ssZ". */
char      *confab_xep_time_format_utc   (GDateTime       *time);
/* Strictly "CCYY-MM-DDThh:mm:ss[.sss]Z"; NULL otherwise. */
GDateTime *confab_xep_time_parse_utc    (const char      *text);

/* The <time xmlns='urn:xmpp:time'/> answer for the instant @now (in its
 * own time zone). */
ConfabXmppNode *confab_xep_time_build   (GDateTime       *now);
/* Parses a <time/> result: the entity's time in its own offset. */
GDateTime *confab_xep_time_parse        (ConfabXmppNode  *time,
                                         GError         **error);

#define CONFAB_TYPE_XEP_TIME (confab_xep_time_get_type ())
G_DECLARE_FINAL_TYPE (ConfabXepTime, confab_xep_time, CONFAB, XEP_TIME, GObject)

ConfabXepTime  *confab_xep_time_new          (void);
/* Our answer to @request; exposed for tests. */
ConfabXmppNode *confab_xep_time_answer       (ConfabXepTime       *self,
                                              ConfabXmppNode      *request);

void            confab_xep_time_query_async  (ConfabXepTime       *self,
                                              ConfabJid           *jid,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
/* The entity's current time in its own offset. */
GDateTime      *confab_xep_time_query_finish (ConfabXepTime       *self,
                                              GAsyncResult        *result,
                                              GError             **error);

G_END_DECLS
