/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "confab-test-server.h"

G_BEGIN_DECLS

/*
 * The demo's private Prosody: the test harness's server (127.0.0.1, free
 * ports, its own CA, domain confab.test) with the demo people as accounts
 * that are each other's contacts, subscribed both ways (RFC 6121 §3).
 *
 * Accounts and rosters are written straight into Prosody's storage
 * ("internal" = one Lua file per user and store) before anyone logs in, so
 * that no password ever appears on a command line and 2,000 contacts take
 * milliseconds instead of 2,000 prosodyctl runs.
 */

/* The account Confab logs in to, and the bot that answers it. */
#define DEMO_USER "you"
#define DEMO_BOT  "ada"
/* A demo contact that sends the benchmark's message burst. */
#define DEMO_BURST_SENDER "bob"

typedef struct {
  const char *localpart;
  const char *name;   /* the roster name others see */
  const char *group;  /* roster group */
} DemoPerson;

/* Everyone on the server but the user: the bot first. */
const DemoPerson *demo_people                  (guint       *n_people);

typedef struct _DemoServer DemoServer;

/* Starts the server with the demo people; @n_bench_contacts more accounts
 * (peer0001 …) in the user's roster, for the benchmarks. */
DemoServer       *demo_server_start            (guint        n_bench_contacts,
                                                GError     **error);
void              demo_server_free             (DemoServer  *self);

ConfabTestServer *demo_server_get_server       (DemoServer  *self);
/* The password of @localpart (one of the demo people), or NULL. */
const char       *demo_server_get_password     (DemoServer  *self,
                                                const char  *localpart);
/* Benchmark contact @index (1-based): peer0001@confab.test, and a name
 * made of a first and a last name, unique for the first 2,400. */
char             *demo_server_bench_jid        (guint        index);
char             *demo_server_bench_name       (guint        index);
/* Writes, atomically, a file for `.` in sh: DEMO_PORT, DEMO_CA_FILE,
 * DEMO_JID, DEMO_PASSWORD_FILE (…), DEMO_SERVER_DIR. The password files are
 * mode 0600 in a 0700 folder of the server's temporary directory. */
gboolean          demo_server_write_info       (DemoServer  *self,
                                                const char  *path,
                                                GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DemoServer, demo_server_free)

G_END_DECLS
