/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "confab-history-store.h"
#include "confab-test-server.h"
#include "confab-xmpp-message.h"
#include "confab-xmpp-stream.h"

G_BEGIN_DECLS

/* Shared by the benchmarks against the local Prosody. Setup failures end
 * the program with g_error(): a benchmark has nothing to report then. */

/* ---- Measuring this process ---------------------------------------------- */

/* CPU seconds so far, user and system, of every thread
 * (getrusage (RUSAGE_SELF)). */
double              bench_cpu_seconds    (void);
/* A field of /proc/self/status in KiB ("VmRSS:", "VmHWM:"); 0 if unknown. */
long                bench_status_kib     (const char *field);

/* ---- Server, streams, main loop ----------------------------------------- */

/* Starts the test server and creates @localparts (NULL-terminated), each
 * with password "bench". NULL, after printing "<bench_name>: skipped",
 * when there is no Prosody. */
ConfabTestServer   *bench_server_start   (const char         *bench_name,
                                          const char * const *localparts);
/* A stream for @address on 127.0.0.1:@port trusting @database, with every
 * standard module attached. */
ConfabXmppStream   *bench_stream_new     (const char   *address,
                                          guint16       port,
                                          GTlsDatabase *database);
/* Runs connect (or close) to completion. */
void                bench_connect        (ConfabXmppStream *stream,
                                          const char       *password);
void                bench_close          (ConfabXmppStream *stream);
/* Iterates the main context for @milliseconds, sleeping when idle. */
void                bench_iterate_for    (guint     milliseconds);
/* Iterates the main context until *@flag is TRUE (no limit: a benchmark
 * may take long, and never fails on time). */
void                bench_wait_for       (gboolean *flag);

/* ---- The sender ----------------------------------------------------------- */

/* The body of message @index (newly allocated). */
typedef char *(*BenchBodyFunc) (guint index);

/* Sends @count chat messages to @to once stream management is up, keeping
 * at most @window unacknowledged (XEP-0198) at a time (G_MAXUINT: no
 * limit), and returns when the server acknowledged every one. */
void                bench_send_burst     (ConfabXmppStream            *stream,
                                          const char                  *to,
                                          guint                        count,
                                          BenchBodyFunc                body,
                                          const ConfabXmppChatOptions *options,
                                          guint                        window);
/* Runs @program --send PORT CAFILE COUNT: a sender in its own process, so
 * that its work is not measured. */
GSubprocess        *bench_spawn_sender   (const char       *program,
                                          ConfabTestServer *server,
                                          guint             count);

/* The sender's side of bench_spawn_sender(): TRUE when @argv asks for the
 * sender, with its arguments. */
gboolean            bench_sender_args    (int           argc,
                                          char        **argv,
                                          guint16      *port,
                                          const char  **ca_file,
                                          guint        *count);

/* ---- History ------------------------------------------------------------------ */

/* Counts in *@stored every message @store commits as new (its
 * ::message-changed with CONFAB_HISTORY_OUTCOME_STORED). */
void                bench_count_stored   (ConfabHistoryStore *store,
                                          guint              *stored);

G_END_DECLS
