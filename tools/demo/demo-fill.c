/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * History for screenshots and benchmarks (see demo-fill.h). Messages are
 * real stanzas parsed by the protocol layer and stored through the history
 * store's writer thread, exactly as received ones; the timestamp comes from
 * a XEP-0203 <delay/>, and each has an origin-id and a stanza-id by the
 * account (XEP-0359), as a server with MAM would add.
 */
#include "config.h"

#include <string.h>

#include "confab-database.h"
#include "confab-history-store.h"
#include "confab-xmpp-parser.h"
#include "demo-fill.h"

#define DOMAIN "confab.test"
#define STREAM_HEADER "<stream:stream xmlns='jabber:client' " \
                      "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"
/* Messages queued to the writer before waiting for some to be stored. */
#define IN_FLIGHT 20000

typedef struct {
  ConfabHistoryStore *store;
  gint64              account_id;
  char               *account;     /* bare JID */
  ConfabJid          *own;         /* full JID: the parser's own_jid */
  ConfabXmppParser   *parser;
  ConfabXmppNode     *stanza;      /* the last one parsed */
  guint               in_flight;
  guint               failed;
  GError             *error;       /* the first failure */
} Filler;

static void
stanza_cb (ConfabXmppNode *stanza,
           gpointer        user_data)
{
  Filler *filler = user_data;

  g_clear_pointer (&filler->stanza, confab_xmpp_node_unref);
  filler->stanza = confab_xmpp_node_ref (stanza);
}

static void
added_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Filler *filler = user_data;
  g_autoptr(GError) error = NULL;

  if (!confab_history_store_add_message_finish (CONFAB_HISTORY_STORE (object), result,
                                                NULL, NULL, &error))
    {
      filler->failed++;
      if (filler->error == NULL)
        filler->error = g_steal_pointer (&error);
    }
  filler->in_flight--;
}

static gboolean
filler_init (Filler      *filler,
             const char  *database_path,
             const char  *account_jid,
             GError     **error)
{
  static const ConfabXmppParserCallbacks callbacks = { .stanza = stanza_cb };
  g_autoptr(ConfabDatabase) database = NULL;
  g_autofree char *full = g_strconcat (account_jid, "/confab", NULL);

  memset (filler, 0, sizeof *filler);
  database = confab_database_open (database_path, CONFAB_DATABASE_FLAGS_NONE, error);
  if (database == NULL)
    return FALSE;
  filler->account_id = confab_database_ensure_account (database, account_jid, error);
  if (filler->account_id == 0)
    return FALSE;
  g_clear_object (&database);

  filler->store = confab_history_store_new (database_path, error);
  if (filler->store == NULL)
    return FALSE;
  confab_history_store_set_batch_limits (filler->store, 50, 5000);
  filler->account = g_strdup (account_jid);
  filler->own = confab_jid_parse (full, error);
  if (filler->own == NULL)
    return FALSE;
  filler->parser = confab_xmpp_parser_new (&callbacks, filler);
  return confab_xmpp_parser_feed (filler->parser, STREAM_HEADER, strlen (STREAM_HEADER), error);
}

/* Waits for every queued message; FALSE with the first failure. */
static gboolean
filler_finish (Filler  *filler,
               GError **error)
{
  gboolean ok;

  while (filler->in_flight > 0)
    g_main_context_iteration (NULL, TRUE);
  ok = filler->failed == 0;
  if (!ok)
    g_propagate_prefixed_error (error, g_steal_pointer (&filler->error),
                                "%u messages were not stored: ", filler->failed);
  g_clear_error (&filler->error);
  g_clear_object (&filler->store);
  g_clear_pointer (&filler->parser, confab_xmpp_parser_free);
  g_clear_pointer (&filler->stanza, confab_xmpp_node_unref);
  g_clear_pointer (&filler->own, confab_jid_unref);
  g_clear_pointer (&filler->account, g_free);
  return ok;
}

/* Queues one chat message between the account and @peer (a bare JID),
 * sent @when (µs since the epoch). */
static gboolean
filler_add (Filler      *filler,
            const char  *peer,
            gboolean     outgoing,
            gint64       when,
            const char  *body,
            GError     **error)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (when / G_USEC_PER_SEC);
  g_autofree char *stamp = g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *origin_id = confab_xmpp_new_uuid ();
  g_autofree char *stanza_id = confab_xmpp_new_uuid ();
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *xml = NULL;
  g_autoptr(ConfabXmppMessage) message = NULL;

  if (outgoing)
    {
      from = g_strconcat (filler->account, "/confab", NULL);
      to = g_strdup (peer);
    }
  else
    {
      from = g_strconcat (peer, "/phone", NULL);
      to = g_strconcat (filler->account, "/confab", NULL);
    }
  xml = g_markup_printf_escaped ("<message from='%s' to='%s' type='chat' id='%s'>"
                                 "<body>%s</body>"
                                 "<origin-id xmlns='urn:xmpp:sid:0' id='%s'/>"
                                 "<stanza-id xmlns='urn:xmpp:sid:0' by='%s' id='%s'/>"
                                 "<delay xmlns='urn:xmpp:delay' stamp='%s'/>"
                                 "</message>",
                                 from, to, origin_id, body, origin_id,
                                 filler->account, stanza_id, stamp);
  if (!confab_xmpp_parser_feed (filler->parser, xml, strlen (xml), error))
    return FALSE;
  message = confab_xmpp_message_parse (filler->stanza, filler->own, error);
  if (message == NULL)
    return FALSE;

  filler->in_flight++;
  confab_history_store_add_message_async (filler->store, filler->account_id, message,
                                          outgoing ? CONFAB_HISTORY_DIRECTION_OUT
                                                   : CONFAB_HISTORY_DIRECTION_IN,
                                          NULL, NULL, added_cb, filler);
  while (filler->in_flight >= IN_FLIGHT)
    g_main_context_iteration (NULL, TRUE);
  return TRUE;
}

gboolean
demo_fill_showcase (const char  *database_path,
                    const char  *account_jid,
                    GError     **error)
{
  static const struct {
    const char *peer;
    gboolean    outgoing;
    guint       minutes_ago;
    const char *body;
  } lines[] = {
    { "margaret", FALSE, 7210, "Slides for Monday are in the shared folder." },
    { "margaret", TRUE, 7200, "Thanks, I'll review them tonight." },
    { "bob", FALSE, 4330, "The build is green again ✅" },
    { "bob", TRUE, 4320, "Great, thanks for fixing `meson.build`!" },
    { "alan", TRUE, 1500, "Did you read the paper I sent?" },
    { "alan", FALSE, 1450, "Halfway through. The proof in section 3 is _beautiful_." },
    { "alan", FALSE, 1449, "Link for later: https://en.wikipedia.org/wiki/Turing_machine" },
    { "grace", FALSE, 130, "Are we still on for the climbing gym on Saturday?" },
    { "grace", TRUE, 125, "Yes! 10 o'clock at the usual place?" },
    { "grace", FALSE, 120, "Perfect. I'll bring the *new* rope 🧗" },
  };
  Filler filler;
  gint64 now = g_get_real_time ();

  if (!filler_init (&filler, database_path, account_jid, error))
    {
      filler_finish (&filler, NULL);
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      g_autofree char *peer = g_strconcat (lines[i].peer, "@" DOMAIN, NULL);

      if (!filler_add (&filler, peer, lines[i].outgoing,
                       now - (gint64) lines[i].minutes_ago * 60 * G_USEC_PER_SEC,
                       lines[i].body, error))
        {
          filler_finish (&filler, NULL);
          return FALSE;
        }
    }
  return filler_finish (&filler, error);
}

static const char * const words[] = {
  "hello", "see", "you", "tomorrow", "at", "the", "station", "thanks", "ok", "lunch",
  "meeting", "later", "coffee", "train", "late", "sorry", "great", "idea", "call", "me",
  "weekend", "plans", "tonight", "dinner", "sounds", "good", "where", "when", "why", "sure",
};

static char *
random_sentence (GRand *rand)
{
  GString *text = g_string_new (NULL);
  guint n = 3 + g_rand_int_range (rand, 0, 10);

  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (text, ' ');
      g_string_append (text, words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))]);
    }
  return g_string_free (text, FALSE);
}

gboolean
demo_fill_bench (const char  *database_path,
                 const char  *account_jid,
                 guint        n_conversations,
                 guint        n_big,
                 guint        big_messages,
                 GError     **error)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  gint64 now = g_get_real_time ();
  gint64 month = (gint64) 30 * 24 * 3600 * G_USEC_PER_SEC;
  Filler filler;

  if (!filler_init (&filler, database_path, account_jid, error))
    {
      filler_finish (&filler, NULL);
      return FALSE;
    }

  /* The big ones first and older, so the small ones stay the newest. */
  for (guint c = 1; c <= MIN (n_big, n_conversations); c++)
    {
      g_autofree char *peer = g_strdup_printf ("peer%04u@" DOMAIN, c);
      gint64 start = now - 2 * month;

      for (guint i = 0; i < big_messages; i++)
        {
          g_autofree char *body = random_sentence (rand);
          gint64 when = start + (month / MAX (big_messages, 1)) * i;

          if (!filler_add (&filler, peer, i % 3 == 0, when, body, error))
            {
              filler_finish (&filler, NULL);
              return FALSE;
            }
        }
    }

  for (guint c = 1; c <= n_conversations; c++)
    {
      g_autofree char *peer = g_strdup_printf ("peer%04u@" DOMAIN, c);
      guint n = 1 + g_rand_int_range (rand, 0, 3);
      gint64 when = now - (gint64) g_rand_double_range (rand, 0, (double) month);

      for (guint i = 0; i < n; i++)
        {
          g_autofree char *body = random_sentence (rand);

          if (!filler_add (&filler, peer, i == 1, when + i * 60 * G_USEC_PER_SEC, body, error))
            {
              filler_finish (&filler, NULL);
              return FALSE;
            }
        }
    }
  return filler_finish (&filler, error);
}
