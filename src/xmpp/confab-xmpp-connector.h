/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Finding and reaching a server: SRV lookup of _xmpps-client._tcp (Direct
 * TLS, XEP-0368) and _xmpp-client._tcp (RFC 6120 §3.2.1), falling back to the
 * domain itself on port 5222, or a manual host/port. Only the TCP connection
 * is made here; TLS is the stream's job, and it always verifies the
 * certificate against the XMPP domain, never against the host found here.
 */

typedef struct {
  char    *host;
  guint16  port;
  gboolean direct_tls;  /* TLS from the first byte (XEP-0368) */
} ConfabXmppTarget;

void              confab_xmpp_target_free (ConfabXmppTarget *target);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabXmppTarget, confab_xmpp_target_free)

/* Merges the two SRV answers (each a list of GSrvTarget, already in RFC 2782
 * order from GResolver) into the order to try: by priority, Direct TLS first
 * among equal priorities (XEP-0368 §3). A target of "." means "no service"
 * (RFC 2782) and is skipped. Returns a GPtrArray of ConfabXmppTarget. */
GPtrArray *confab_xmpp_connector_order_targets (GList *xmpps_targets,
                                                GList *xmpp_targets);

typedef struct {
  const char *domain;      /* the XMPP domain */
  const char *host;        /* override, or NULL for SRV */
  guint16     port;        /* with @host; 0 = 5222, or 5223 with @direct_tls */
  gboolean    direct_tls;  /* with @host: the port speaks TLS directly */
  guint       attempt_timeout_seconds; /* per address; 0 = 15 */
} ConfabXmppConnectRequest;

/* Connects to the first target that answers. Errors (CONFAB_XMPP_ERROR):
 * HOST_NOT_FOUND when no target resolves, CONNECTION_REFUSED when every
 * reachable address refused, TIMEOUT when attempts timed out, NETWORK else. */
void               confab_xmpp_connector_connect_async  (const ConfabXmppConnectRequest *request,
                                                         GCancellable                   *cancellable,
                                                         GAsyncReadyCallback             callback,
                                                         gpointer                        user_data);
GSocketConnection *confab_xmpp_connector_connect_finish (GAsyncResult                   *result,
                                                         gboolean                       *direct_tls,
                                                         GError                        **error);

G_END_DECLS
