/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * History store benchmark; prints figures and never fails on time.
 *
 *   bench-history [N ...]     (default: 10000 100000)
 *   bench-history 10000 100000 1000000     (the 1M figures, ~4 min)
 *
 * For each N, in a fresh database: inserts N messages in one conversation
 * through the store (writer thread, batched), then, in a fresh process so
 * that RSS is not the insert phase's, opens the newest page, scrolls back
 * from the middle and searches. The RSS after opening the newest page is
 * compared across the sizes: it must not grow with the history. Separately
 * measures the size of a database holding 5,000 short messages.
 */
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "confab-database.h"
#include "confab-history-store.h"
#include "confab-xmpp-parser.h"

#define OWN "alice@example.org"
#define BOB "bob@example.org"
#define HEADER "<stream:stream xmlns='jabber:client' " \
               "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"
#define IN_FLIGHT 20000

static const char * const words[] = {
  "hello", "see", "you", "tomorrow", "at", "the", "station", "thanks", "ok", "lunch",
  "meeting", "later", "coffee", "train", "late", "sorry", "great", "idea", "call", "me",
  "weekend", "plans", "tonight", "dinner", "sounds", "good", "where", "when", "why", "sure",
};

static void
grab_stanza_cb (ConfabXmppNode *stanza,
                gpointer        user_data)
{
  ConfabXmppNode **out = user_data;

  if (*out == NULL)
    *out = confab_xmpp_node_ref (stanza);
}

static ConfabXmppMessage *
message (ConfabXmppParser  *parser,
         ConfabXmppNode   **slot,
         ConfabJid         *own,
         const char        *xml)
{
  g_autoptr(ConfabXmppNode) node = NULL;
  ConfabXmppMessage *m;

  confab_xmpp_parser_feed (parser, xml, strlen (xml), NULL);
  node = g_steal_pointer (slot);
  m = confab_xmpp_message_parse (node, own, NULL);
  g_assert_true (m != NULL);
  return m;
}

static guint in_flight;

static void
added_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!confab_history_store_add_message_finish (CONFAB_HISTORY_STORE (object), result, NULL, NULL, &error))
    g_printerr ("insert failed: %s\n", error->message);
  in_flight--;
}

/* Inserts @n messages from Bob; every 1000th contains "zanzibar". */
static double
insert (const char *path,
        guint       n,
        gboolean    short_only)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabDatabase) db = confab_database_open (path, CONFAB_DATABASE_FLAGS_NONE, &error);
  g_autoptr(ConfabHistoryStore) store = NULL;
  g_autoptr(ConfabJid) own = confab_jid_parse (OWN "/bench", NULL);
  ConfabXmppParserCallbacks callbacks = { .stanza = grab_stanza_cb };
  ConfabXmppNode *slot = NULL;
  g_autoptr(ConfabXmppParser) parser = confab_xmpp_parser_new (&callbacks, &slot);
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  gint64 account, start;

  g_assert_true (db != NULL);
  account = confab_database_ensure_account (db, OWN, NULL);
  g_clear_object (&db);
  store = confab_history_store_new (path, &error);
  g_assert_true (store != NULL);
  confab_history_store_set_batch_limits (store, 20, 5000);
  confab_xmpp_parser_feed (parser, HEADER, strlen (HEADER), NULL);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GString) body = g_string_new (NULL);
      g_autofree char *origin = confab_xmpp_new_uuid ();
      g_autofree char *sid = confab_xmpp_new_uuid ();
      g_autofree char *xml = NULL;
      g_autoptr(ConfabXmppMessage) m = NULL;
      guint n_words = short_only ? 3 + g_rand_int_range (rand, 0, 3) : 3 + g_rand_int_range (rand, 0, 12);

      for (guint w = 0; w < n_words; w++)
        {
          if (w > 0)
            g_string_append_c (body, ' ');
          g_string_append (body, words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))]);
        }
      if (i % 1000 == 500)
        g_string_append (body, " zanzibar");
      xml = g_strdup_printf ("<message from='" BOB "/phone' to='" OWN "/bench' type='chat' id='%s'>"
                             "<body>%s</body><origin-id xmlns='urn:xmpp:sid:0' id='%s'/>"
                             "<stanza-id xmlns='urn:xmpp:sid:0' by='" OWN "' id='%s'/></message>",
                             origin, body->str, origin, sid);
      m = message (parser, &slot, own, xml);
      in_flight++;
      confab_history_store_add_message_async (store, account, m, CONFAB_HISTORY_DIRECTION_IN, NULL,
                                              NULL, added_cb, NULL);
      while (in_flight >= IN_FLIGHT)
        g_main_context_iteration (NULL, TRUE);
    }
  while (in_flight > 0)
    g_main_context_iteration (NULL, TRUE);
  return (g_get_monotonic_time () - start) / 1e6;
}

static guint64
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (guint64) st.st_size : 0;
}

static long
rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmRSS:");
  return line != NULL ? strtol (line + 6, NULL, 10) : -1;
}

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

/* The read phase, in its own process. */
static int
read_phase (const char *path,
            guint       n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabHistoryStore) store = NULL;
  g_autoptr(ConfabHistoryConversation) conv = NULL;
  g_autoptr(GPtrArray) page = NULL;
  static const char * const queries[] = { "zanzibar", "coffee", "coffee train", "nothingmatches" };
  gint64 start, account = 1;
  long rss_before = rss_kib ();

  start = g_get_monotonic_time ();
  store = confab_history_store_new (path, &error);
  g_assert_true (store != NULL);
  conv = confab_history_store_get_conversation (store, account, BOB, &error);
  g_assert_true (conv != NULL);
  page = confab_history_store_list_newest (store, conv->id, 50, &error);
  g_print ("open store + newest 50 of %u:   %8.2f ms (%u rows)\n", n, ms_since (start), page->len);
  g_clear_pointer (&page, g_ptr_array_unref);

  start = g_get_monotonic_time ();
  page = confab_history_store_list_newest (store, conv->id, 50, &error);
  g_print ("newest 50 (statement cached):      %8.3f ms\n", ms_since (start));
  g_print ("RSS after opening the newest page: %8ld KiB (%ld KiB before opening)\n", rss_kib (), rss_before);
  g_clear_pointer (&page, g_ptr_array_unref);

  start = g_get_monotonic_time ();
  page = confab_history_store_list_before (store, conv->id, MAX (1, n / 2), 50, &error);
  g_print ("scroll back 50 from the middle:    %8.3f ms (%u rows)\n", ms_since (start), page->len);
  g_clear_pointer (&page, g_ptr_array_unref);

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      start = g_get_monotonic_time ();
      page = confab_history_store_search (store, 0, queries[i], 50, &error);
      g_print ("search %-24s   %8.3f ms (%u hits, limit 50)\n", queries[i], ms_since (start), page->len);
      g_clear_pointer (&page, g_ptr_array_unref);
      start = g_get_monotonic_time ();
      page = confab_history_store_search (store, conv->id, queries[i], 50, &error);
      g_print ("  same, in the conversation        %8.3f ms (%u hits)\n", ms_since (start), page->len);
      g_clear_pointer (&page, g_ptr_array_unref);
    }
  return 0;
}

/* Runs the read phase on @path in a child process, echoing its output;
 * returns its "RSS after opening the newest page" in KiB (-1: unknown). */
static long
run_read_phase (const char *self,
                const char *path,
                guint       n)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *n_text = g_strdup_printf ("%u", n);
  g_autofree char *output = NULL;
  const char *child_argv[] = { self, "--read-phase", path, n_text, NULL };
  const char *line;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) child_argv, NULL, G_SPAWN_CHILD_INHERITS_STDIN,
                     NULL, NULL, &output, NULL, &status, &error))
    {
      g_print ("read phase could not run: %s\n", error->message);
      return -1;
    }
  g_print ("%s", output);
  line = strstr (output, "RSS after opening the newest page:");
  return line != NULL ? strtol (strchr (line, ':') + 1, NULL, 10) : -1;
}

int
main (int argc, char **argv)
{
  g_autofree char *dir = NULL;
  g_autofree char *small = NULL;
  g_autoptr(GArray) sizes = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) rss = g_array_new (FALSE, FALSE, sizeof (long));
  double seconds;

  if (argc == 4 && g_str_equal (argv[1], "--read-phase"))
    return read_phase (argv[2], (guint) g_ascii_strtoull (argv[3], NULL, 10));
  for (int i = 1; i < argc; i++)
    {
      guint n = (guint) CLAMP (g_ascii_strtoull (argv[i], NULL, 10), 100, 100000000);

      g_array_append_val (sizes, n);
    }
  if (sizes->len == 0)
    {
      static const guint defaults[] = { 10000, 100000 };

      g_array_append_vals (sizes, defaults, G_N_ELEMENTS (defaults));
    }
  dir = g_dir_make_tmp ("confab-bench-history-XXXXXX", NULL);
  small = g_build_filename (dir, "small.db", NULL);

  for (guint i = 0; i < sizes->len; i++)
    {
      guint n = g_array_index (sizes, guint, i);
      g_autofree char *name = g_strdup_printf ("history-%u.db", n);
      g_autofree char *big = g_build_filename (dir, name, NULL);
      g_autofree char *wal = g_strconcat (big, "-wal", NULL);
      g_autofree char *shm = g_strconcat (big, "-shm", NULL);
      long kib;

      g_print ("bench-history: %u messages in one conversation (SQLite %s)\n", n,
               sqlite3_libversion ());
      seconds = insert (big, n, FALSE);
      g_print ("insert %u through the store:   %8.2f s, %.0f messages/s\n", n, seconds, n / seconds);
      g_print ("database size after %u:        %8.1f MiB\n", n, file_size (big) / 1048576.0);
      kib = run_read_phase (argv[0], big, n);
      g_array_append_val (rss, kib);
      g_remove (big);
      g_remove (wal);
      g_remove (shm);
    }

  /* Issue 4: memory with a large history open must not grow with its size. */
  g_print ("RSS after opening the newest page, by history size:\n");
  for (guint i = 0; i < sizes->len; i++)
    g_print ("  %9u messages: %8ld KiB (%+ld KiB vs %u)\n", g_array_index (sizes, guint, i),
             g_array_index (rss, long, i),
             g_array_index (rss, long, i) - g_array_index (rss, long, 0),
             g_array_index (sizes, guint, 0));

  seconds = insert (small, 5000, TRUE);
  /* The store is closed: the WAL was checkpointed into the file. */
  g_print ("5000 short messages:               %8.2f s; database %.2f MiB (%" G_GUINT64_FORMAT " B)\n",
           seconds, file_size (small) / 1048576.0, file_size (small));

  g_remove (small);
  g_rmdir (dir);
  return 0;
}
