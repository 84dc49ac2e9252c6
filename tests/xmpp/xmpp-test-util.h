/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "confab-test-server.h"
#include "confab-xmpp-stream.h"

G_BEGIN_DECLS

/* Shared by the integration tests: one Prosody per test program, accounts
 * on it, and synchronous wrappers that run the main loop until an async
 * operation completes (bounded, so a hang fails instead of stalling CI). */

/* Starts the server for this program (NULL options: defaults) and creates
 * the accounts "alice", "bob" and "carol" with password "secret-<name>".
 * Returns FALSE (after g_test_skip) when Prosody is not installed. */
gboolean          xmpp_test_start_server     (const ConfabTestServerOptions *options);
ConfabTestServer *xmpp_test_server           (void);
void              xmpp_test_stop_server      (void);

/* A stream for localpart@domain that trusts the run's CA and connects to
 * 127.0.0.1 on the STARTTLS port (or @port when non-zero). */
ConfabXmppStream *xmpp_test_stream_new       (const char *localpart,
                                              guint16     port);
/* Runs connect to completion. */
gboolean          xmpp_test_connect          (ConfabXmppStream *stream,
                                              const char       *password,
                                              GError          **error);
/* Connects with the account's right password and asserts success. */
void              xmpp_test_connect_ok       (ConfabXmppStream *stream);
ConfabXmppNode   *xmpp_test_send_iq          (ConfabXmppStream *stream,
                                              ConfabXmppNode   *iq,
                                              guint             timeout_seconds,
                                              GCancellable     *cancellable,
                                              GError          **error);
void              xmpp_test_close            (ConfabXmppStream *stream);
/* Iterates the main context until *@flag is TRUE or @seconds pass. */
gboolean          xmpp_test_wait_for         (gboolean   *flag,
                                              guint       seconds);

typedef gboolean (*XmppTestCondition) (gpointer data);

/* Iterates the main context until @condition (@data) holds or @seconds
 * pass; returns whether it holds. The condition is checked every 50 ms at
 * least, since some state (a store's commits) changes in other threads
 * without a main-context event to wake on. */
gboolean          xmpp_test_wait_until       (XmppTestCondition condition,
                                              gpointer          data,
                                              guint             seconds);
/* Iterates the main context for @milliseconds, whatever happens. */
void              xmpp_test_run_for          (guint       milliseconds);

/* The result of one async call, for a synchronous wait: pass
 * xmpp_test_waiter_cb and the waiter as callback and data, wait for
 * @done, then finish with @result (and unref it). */
typedef struct {
  gboolean      done;
  GAsyncResult *result;
} XmppTestWaiter;

void              xmpp_test_waiter_cb        (GObject      *object,
                                              GAsyncResult *result,
                                              gpointer      user_data);

char             *xmpp_test_password         (const char *localpart);
/* Prints the end of the server's log into the test output (for failures). */
void              xmpp_test_print_server_log (guint       last_lines);

G_END_DECLS
