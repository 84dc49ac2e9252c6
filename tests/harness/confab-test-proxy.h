/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * A TCP proxy on 127.0.0.1 for fault injection: each accepted connection is
 * forwarded to the target port, and the test can cut, stall or slow all
 * current connections. Runs on the thread-default main context of the
 * caller, so tests drive it by iterating that context.
 */

typedef struct _ConfabTestProxy ConfabTestProxy;

ConfabTestProxy *confab_test_proxy_new            (guint16          target_port,
                                                   GError         **error);
/* Closes every connection and iterates the proxy's main context (bounded)
 * until their cancelled operations have finished, so nothing of the proxy
 * runs or stays allocated afterwards. */
void             confab_test_proxy_free           (ConfabTestProxy *proxy);
guint16          confab_test_proxy_get_port       (ConfabTestProxy *proxy);

/* Closes every forwarded connection abruptly (both sides see EOF/reset).
 * Both sockets are closed with SO_LINGER 0, i.e. with RST: the client's
 * next read fails with ECONNRESET (G_IO_ERROR_CONNECTION_CLOSED) at once. */
void             confab_test_proxy_cut            (ConfabTestProxy *proxy);
/* Stops forwarding in both directions: bytes are held, sockets stay open,
 * like a peer that stopped answering. */
void             confab_test_proxy_stall          (ConfabTestProxy *proxy);
/* Forwards at most @bytes_per_second in each direction (0: unlimited). */
void             confab_test_proxy_set_rate       (ConfabTestProxy *proxy,
                                                   gsize            bytes_per_second);
/* Undoes stall (held bytes are delivered). */
void             confab_test_proxy_resume         (ConfabTestProxy *proxy);
/* Connections accepted so far, and currently open. */
guint            confab_test_proxy_get_n_accepted (ConfabTestProxy *proxy);
guint            confab_test_proxy_get_n_open     (ConfabTestProxy *proxy);
/* Drops new connections at accept time while TRUE (a "refused" server). */
void             confab_test_proxy_set_refuse     (ConfabTestProxy *proxy,
                                                   gboolean         refuse);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabTestProxy, confab_test_proxy_free)

G_END_DECLS
