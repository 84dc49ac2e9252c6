/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "confab-xmpp-stream.h"

G_BEGIN_DECLS

/*
 * Keeps one stream connected: after a lost connection or a failed attempt
 * it tries again with exponential backoff and jitter, at once when the
 * network comes back (GNetworkMonitor), and never again after an error
 * that retrying cannot fix (wrong password, untrusted certificate, another
 * client taking over the resource), so a server never sees a retry storm.
 */

#define CONFAB_TYPE_XMPP_RECONNECTOR (confab_xmpp_reconnector_get_type ())
G_DECLARE_FINAL_TYPE (ConfabXmppReconnector, confab_xmpp_reconnector, CONFAB, XMPP_RECONNECTOR, GObject)

ConfabXmppReconnector *confab_xmpp_reconnector_new   (ConfabXmppStream      *stream);
/* Connects now and keeps the stream connected. @password is kept in
 * memory (wiped when stopped) for the retries. */
void                   confab_xmpp_reconnector_start (ConfabXmppReconnector *self,
                                                      const char            *password);
/* Stops retrying; does not close the stream. */
void                   confab_xmpp_reconnector_stop  (ConfabXmppReconnector *self);
/* Connection attempts since the last success. */
guint                  confab_xmpp_reconnector_get_attempts (ConfabXmppReconnector *self);

/* The wait before attempt @attempt (0-based) in milliseconds: doubling from
 * 1 s up to 5 min, of which a random half (@random) is jitter so many
 * clients cut off together do not come back together. */
guint                  confab_xmpp_reconnector_compute_delay_ms (guint   attempt,
                                                                 guint32 random);
/* Whether retrying cannot help (authentication, trust, conflict ...). */
gboolean               confab_xmpp_error_is_permanent (const GError *error);

G_END_DECLS
