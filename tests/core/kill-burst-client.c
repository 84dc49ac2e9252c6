/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The client process that test-kill-burst kills with SIGKILL: a real
 * account on the core (history database, ConfabAccountSync, standard
 * modules, stream management), nothing in between.
 *
 *   kill-burst-client PORT CA-FILE DATABASE LOCALPART PASSWORD PEER COUNT INTERVAL-MS
 *
 * It opens DATABASE, connects to 127.0.0.1:PORT as LOCALPART@confab.test
 * (resource "burst"), sends available presence and prints "online". Then,
 * every INTERVAL-MS, it sends the next of the messages "LOCALPART NNN"
 * (NNN < COUNT) to PEER that the database does not hold yet: each is stored
 * as pending before it is sent, so one that was stored in an earlier run is
 * never created again but resent by the sync with its stored id. Messages
 * from PEER are stored before they are acknowledged (the sync).
 *
 * It exits 0 when stdin says "quit" (or is closed), after closing the
 * stream and letting the store flush; 3 when it cannot connect, 4 when the
 * connection is lost. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib-unix.h>

#include "confab-account-sync.h"
#include "confab-database.h"
#include "confab-history-store.h"
#include "confab-test-server.h"
#include "confab-xmpp-modules.h"
#include "confab-xmpp-presence.h"
#include "core-test-util.h"

typedef struct {
  ConfabXmppStream   *stream;
  ConfabHistoryStore *store;
  ConfabAccountSync  *sync;
  gint64              account_id;
  char               *localpart;
  char               *peer;
  guint               count;
  guint               next;       /* next index to consider sending */
  GHashTable         *have;       /* bodies of our messages already stored */
  GMainLoop          *loop;
  int                 status;
  gboolean            quitting;
} Client;

static void
closed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Client *c = user_data;

  confab_xmpp_stream_close_finish (CONFAB_XMPP_STREAM (object), result, NULL);
  g_main_loop_quit (c->loop);
}

static void
quit (Client *c)
{
  if (c->quitting)
    return;
  c->quitting = TRUE;
  if (confab_xmpp_stream_get_state (c->stream) == CONFAB_XMPP_STREAM_STATE_BOUND)
    confab_xmpp_stream_close_async (c->stream, NULL, closed_cb, c);
  else
    g_main_loop_quit (c->loop);
}

static gboolean
stdin_cb (int          fd,
          GIOCondition condition,
          gpointer     user_data)
{
  Client *c = user_data;
  char buffer[256];
  gssize n = read (fd, buffer, sizeof buffer - 1);

  if (n > 0)
    buffer[n] = '\0';
  if (n <= 0 || strstr (buffer, "quit") != NULL)
    {
      quit (c);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
lost_cb (ConfabXmppStream *stream,
         const GError     *error,
         Client           *c)
{
  if (c->quitting)
    return;
  g_printerr ("kill-burst-client: connection lost: %s\n", error != NULL ? error->message : "?");
  c->status = 4;
  g_main_loop_quit (c->loop);
}

static gboolean
send_next_cb (gpointer user_data)
{
  Client *c = user_data;

  if (c->quitting)
    return G_SOURCE_REMOVE;
  while (c->next < c->count)
    {
      g_autofree char *body = g_strdup_printf ("%s %03u", c->localpart, c->next++);

      if (!g_hash_table_contains (c->have, body))
        {
          g_free (confab_account_sync_send_chat (c->sync, c->peer, body));
          return G_SOURCE_CONTINUE;
        }
    }
  g_print ("all-queued\n");
  return G_SOURCE_REMOVE;
}

/* Our messages already in the database, from any earlier run. */
static GHashTable *
stored_bodies (Client *c)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabHistoryConversation) conversation = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  GHashTable *have = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  conversation = confab_history_store_get_conversation (c->store, c->account_id, c->peer, &error);
  if (error != NULL)
    g_error ("reading history: %s", error->message);
  if (conversation == NULL)
    return have;
  messages = confab_history_store_list_newest (c->store, conversation->id, G_MAXINT, &error);
  if (messages == NULL)
    g_error ("reading history: %s", error->message);
  for (guint i = 0; i < messages->len; i++)
    {
      ConfabHistoryMessage *m = g_ptr_array_index (messages, i);

      if (m->direction == CONFAB_HISTORY_DIRECTION_OUT && m->body != NULL)
        g_hash_table_add (have, g_strdup (m->body));
    }
  return have;
}

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Client *c = user_data;
  g_autoptr(GError) error = NULL;

  if (!confab_xmpp_stream_connect_finish (CONFAB_XMPP_STREAM (object), result, &error))
    {
      g_printerr ("kill-burst-client: cannot connect: %s\n", error->message);
      c->status = 3;
      g_main_loop_quit (c->loop);
      return;
    }
  core_test_send_available (c->stream);
  g_print ("online\n");
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsDatabase) ca = NULL;
  g_autoptr(ConfabJid) jid = NULL;
  g_autofree char *address = NULL;
  Client c = { 0 };

  if (argc != 9)
    {
      g_printerr ("usage: %s PORT CA-FILE DATABASE LOCALPART PASSWORD PEER COUNT INTERVAL-MS\n",
                  argv[0]);
      return 2;
    }
  /* The test reads our lines as they come. */
  setvbuf (stdout, NULL, _IOLBF, 0);

  c.localpart = argv[4];
  c.peer = argv[6];
  c.count = (guint) atoi (argv[7]);
  c.loop = g_main_loop_new (NULL, FALSE);

  address = g_strdup_printf ("%s@%s", argv[4], CONFAB_TEST_DOMAIN);
  jid = confab_jid_parse (address, &error);
  if (jid == NULL)
    g_error ("%s", error->message);

  c.store = core_test_history_open (argv[3], address, &c.account_id);
  c.have = stored_bodies (&c);

  ca = g_tls_file_database_new (argv[2], &error);
  if (ca == NULL)
    g_error ("%s", error->message);
  c.stream = confab_xmpp_stream_new (jid);
  confab_xmpp_stream_set_host (c.stream, "127.0.0.1", (guint16) atoi (argv[1]));
  confab_xmpp_stream_set_tls_database (c.stream, ca);
  /* The same resource every run: the server replaces the session a kill
   * left hibernating (XEP-0198 §5) instead of keeping two. */
  confab_xmpp_stream_set_resource (c.stream, "burst");
  confab_xmpp_add_standard_modules (c.stream);
  c.sync = confab_account_sync_new (c.stream, c.store, c.account_id);
  g_signal_connect (c.stream, "connection-lost", G_CALLBACK (lost_cb), &c);
  g_signal_connect (c.stream, "closed", G_CALLBACK (lost_cb), &c);

  g_unix_fd_add (0, G_IO_IN | G_IO_HUP | G_IO_ERR, stdin_cb, &c);
  confab_xmpp_stream_connect_async (c.stream, argv[5], NULL, connected_cb, &c);
  /* Creating messages does not wait for the connection: offline they stay
   * pending and go out with the session's resend. */
  g_timeout_add (MAX (atoi (argv[8]), 1), send_next_cb, &c);

  g_main_loop_run (c.loop);

  g_signal_handlers_disconnect_by_data (c.stream, &c);
  g_clear_object (&c.sync);
  g_clear_object (&c.stream);
  /* Disposing the store flushes what is queued. */
  g_clear_object (&c.store);
  g_hash_table_unref (c.have);
  g_main_loop_unref (c.loop);
  return c.status;
}
