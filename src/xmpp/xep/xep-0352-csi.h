/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "confab-xmpp-module.h"

G_BEGIN_DECLS

/*
 * XEP-0352 Client State Indication: tell the server whether the user is
 * looking at the client, so it can hold back unimportant traffic while we
 * are inactive.
 *
 * CSI is a stream feature (<csi xmlns='urn:xmpp:csi:0'/>, XEP-0352 §3): the
 * module reads it from the stream at every session start;
 * confab_xep_csi_set_server_support() overrides it (tests, odd servers).
 */

#define CONFAB_XEP_CSI_NS "urn:xmpp:csi:0"

#define CONFAB_TYPE_XEP_CSI (confab_xep_csi_get_type ())
G_DECLARE_FINAL_TYPE (ConfabXepCsi, confab_xep_csi, CONFAB, XEP_CSI, GObject)

ConfabXepCsi *confab_xep_csi_new                (void);

/* Whether the server of the current session advertised CSI. Setting it
 * while we are inactive sends <inactive/> at once. */
gboolean      confab_xep_csi_get_server_support (ConfabXepCsi *self);
void          confab_xep_csi_set_server_support (ConfabXepCsi *self,
                                                 gboolean      supported);

gboolean      confab_xep_csi_get_active         (ConfabXepCsi *self);
/* Records the state and sends <active/> or <inactive/> (XEP-0352 §4) when
 * the state changed, the session is bound and the server supports CSI.
 * Returns whether something was sent. After a new (not resumed) session
 * the server assumes active, so an inactive state is sent again. */
gboolean      confab_xep_csi_set_active         (ConfabXepCsi *self,
                                                 gboolean      active);

G_END_DECLS
