/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "confab-jid.h"
#include "confab-xmpp-module.h"
#include "confab-xmpp-node.h"

G_BEGIN_DECLS

/*
 * XEP-0092 Software Version. We answer with our name and version; the
 * operating system only when the user opted in ("send-os", default FALSE),
 * since XEP-0092 §5 notes it helps attackers pick exploits.
 */

#define CONFAB_XEP_VERSION_NS "jabber:iq:version"
#define CONFAB_XEP_VERSION_MAX_LENGTH 1024  /* bytes of a name, version or os we accept */

typedef struct _ConfabSoftwareVersion ConfabSoftwareVersion;

#define CONFAB_TYPE_SOFTWARE_VERSION (confab_software_version_get_type ())

GType                  confab_software_version_get_type    (void) G_GNUC_CONST;
ConfabSoftwareVersion *confab_software_version_copy        (const ConfabSoftwareVersion *version);
void                   confab_software_version_free        (ConfabSoftwareVersion       *version);
const char            *confab_software_version_get_name    (const ConfabSoftwareVersion *version);
const char            *confab_software_version_get_version (const ConfabSoftwareVersion *version);
const char            *confab_software_version_get_os      (const ConfabSoftwareVersion *version); /* nullable */

/* Parses a jabber:iq:version <query/> (XEP-0092 §3: name and version are
 * REQUIRED, os optional). */
ConfabSoftwareVersion *confab_software_version_parse       (ConfabXmppNode  *query,
                                                            GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabSoftwareVersion, confab_software_version_free)

#define CONFAB_TYPE_XEP_VERSION (confab_xep_version_get_type ())
G_DECLARE_FINAL_TYPE (ConfabXepVersion, confab_xep_version, CONFAB, XEP_VERSION, GObject)

ConfabXepVersion *confab_xep_version_new          (void);

gboolean        confab_xep_version_get_send_os    (ConfabXepVersion *self);
void            confab_xep_version_set_send_os    (ConfabXepVersion *self,
                                                   gboolean          send_os);

/* Our answer to @request; exposed for tests. */
ConfabXmppNode *confab_xep_version_answer         (ConfabXepVersion *self,
                                                   ConfabXmppNode   *request);

void            confab_xep_version_query_async    (ConfabXepVersion    *self,
                                                   ConfabJid           *jid,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
ConfabSoftwareVersion *confab_xep_version_query_finish (ConfabXepVersion  *self,
                                                        GAsyncResult      *result,
                                                        GError           **error);

G_END_DECLS
