/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Ada, the demo bot (see demo-bot.h). Everything the user sends is
 * untrusted text: it is only ever quoted back as plain text, shortened.
 */
#include "config.h"

#include <string.h>

#include "confab-xmpp-message.h"
#include "confab-xmpp-modules.h"
#include "confab-xmpp-presence.h"
#include "confab-xmpp-stream.h"
#include "demo-bot.h"

/* Seconds before the welcome is sent if the user never comes online. */
#define WELCOME_FALLBACK_SECONDS 6
#define RECONNECT_SECONDS 2
/* Characters of the user's text quoted back. */
#define ECHO_MAX_CHARS 200

struct _DemoBot
{
  ConfabXmppStream *stream;
  ConfabJid        *user;
  char             *password;
  GCancellable     *cancellable;
  GQueue            replies;         /* Reply, answered in order */
  guint             reply_source;
  guint             welcome_source;
  guint             reconnect_source;
  guint             n_answered;
  gboolean          welcomed;
};

typedef struct {
  char *text;
  /* Milliseconds of "typing…" before it is sent. */
  guint typing_ms;
} Reply;

static void
reply_free (Reply *reply)
{
  g_free (reply->text);
  g_free (reply);
}

static ConfabXmppMessages *
messages_module (DemoBot *self)
{
  return CONFAB_XMPP_MESSAGES (confab_xmpp_stream_get_module (self->stream, CONFAB_TYPE_XMPP_MESSAGES));
}

static gboolean
is_bound (DemoBot *self)
{
  return confab_xmpp_stream_get_state (self->stream) == CONFAB_XMPP_STREAM_STATE_BOUND;
}

static void schedule_next_reply (DemoBot *self);

static gboolean
send_reply_cb (gpointer user_data)
{
  DemoBot *self = user_data;
  Reply *reply = g_queue_pop_head (&self->replies);

  self->reply_source = 0;
  if (reply != NULL && is_bound (self))
    {
      ConfabXmppChatOptions options = { .request_receipt = TRUE, .markable = TRUE };

      /* The message carries <active/>, which ends "typing…" (XEP-0085 §5.2). */
      g_free (confab_xmpp_messages_send_chat (messages_module (self), self->user,
                                              reply->text, &options));
    }
  g_clear_pointer (&reply, reply_free);
  schedule_next_reply (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_next_reply (DemoBot *self)
{
  Reply *next = g_queue_peek_head (&self->replies);

  if (self->reply_source != 0 || next == NULL)
    return;
  if (is_bound (self))
    confab_xmpp_messages_send_chat_state (messages_module (self), self->user,
                                          CONFAB_XMPP_CHAT_STATE_COMPOSING);
  self->reply_source = g_timeout_add (next->typing_ms, send_reply_cb, self);
}

static void
queue_reply (DemoBot    *self,
             const char *text)
{
  Reply *reply = g_new0 (Reply, 1);
  glong length = g_utf8_strlen (text, -1);

  reply->text = g_strdup (text);
  /* Typing takes a little longer for longer answers, as for a person. */
  reply->typing_ms = 700 + (guint) MIN (length, 160) * 12;
  g_queue_push_tail (&self->replies, reply);
  schedule_next_reply (self);
}

static gboolean
welcome_cb (gpointer user_data)
{
  DemoBot *self = user_data;

  self->welcome_source = 0;
  if (self->welcomed)
    return G_SOURCE_REMOVE;
  self->welcomed = TRUE;
  queue_reply (self, "Hi, I'm Ada 👋 Welcome to Confab!");
  queue_reply (self, "This is a demo: a private XMPP server runs on your computer (127.0.0.1) "
                     "just for us, and it goes away when you close Confab.");
  queue_reply (self, "Write me anything and I'll answer. Type “help” for ideas of what to try.");
  return G_SOURCE_REMOVE;
}

static gboolean
has_word (const char *haystack,
          const char *word)
{
  const char *p = haystack;
  gsize len = strlen (word);

  while ((p = strstr (p, word)) != NULL)
    {
      gboolean start = p == haystack || !g_ascii_isalpha (p[-1]);
      gboolean end = !g_ascii_isalpha (p[len]);

      if (start && end)
        return TRUE;
      p += len;
    }
  return FALSE;
}

static char *
compose_answer (DemoBot    *self,
                const char *body)
{
  static const char * const closers[] = {
    "Nice to hear from you!",
    "Tell me more.",
    "I'm only a small bot, but I'm listening.",
    "Messages to me go through a real XMPP server, just a very private one.",
    "You can edit your last message with the Up key.",
    "Try *bold*, _italic_ or `code`: Confab shows message styling.",
  };
  g_autofree char *lower = g_utf8_strdown (body, -1);
  g_autofree char *quoted = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (body));

  if (has_word (lower, "help"))
    return g_strdup ("Things to try: send *bold*, _italic_, ~strike~ or `code`; press Up to edit "
                     "your last message; reply or react from a message's menu; paste a link like "
                     "https://www.gnome.org; search your history with Ctrl+F; and open Contacts "
                     "to see Grace, Alan, Bob and Margaret (they are offline).");
  if (strstr (lower, "computer") != NULL || strstr (lower, "server") != NULL
      || strstr (lower, "real") != NULL)
    return g_strdup ("Yes! 🖥️ Prosody runs on 127.0.0.1 on a random port, with a certificate "
                     "authority made just for this demo. Nothing leaves your computer.");
  if (has_word (lower, "hello") || has_word (lower, "hi") || has_word (lower, "hey"))
    return g_strdup ("Hello! 😊 How are you today?");
  if (has_word (lower, "bye") || has_word (lower, "goodbye"))
    return g_strdup ("Bye! Closing Confab also stops this demo server. See you!");

  if (g_utf8_strlen (stripped, -1) > ECHO_MAX_CHARS)
    {
      g_autofree char *head = g_utf8_substring (stripped, 0, ECHO_MAX_CHARS);

      quoted = g_strconcat (head, "…", NULL);
    }
  else
    quoted = g_steal_pointer (&stripped);

  if (strchr (body, '?') != NULL)
    return g_strdup_printf ("“%s” Good question! I'm a demo bot, so I don't know, "
                            "but I'm glad you asked.", quoted);
  return g_strdup_printf ("You said: “%s”. %s", quoted,
                          closers[self->n_answered % G_N_ELEMENTS (closers)]);
}

static void
on_message_received_cb (ConfabXmppMessages *messages,
                        ConfabXmppMessage  *message,
                        gboolean            is_carbon,
                        gboolean            is_sent_carbon,
                        gpointer            user_data)
{
  DemoBot *self = user_data;
  ConfabJid *from = confab_xmpp_message_get_from (message);
  const char *body = confab_xmpp_message_get_display_body (message);
  const char *id = confab_xmpp_message_get_origin_id (message);
  g_autofree char *answer = NULL;
  g_autofree char *lower = NULL;

  if (is_carbon || !confab_jid_equal_bare (from, self->user) || body == NULL)
    return;
  if (confab_xmpp_message_get_message_type (message) != CONFAB_XMPP_MESSAGE_TYPE_CHAT
      && confab_xmpp_message_get_message_type (message) != CONFAB_XMPP_MESSAGE_TYPE_NORMAL)
    return;
  if (id == NULL)
    id = confab_xmpp_message_get_id (message);

  /* XEP-0184 §5.2 and XEP-0333 §3: delivered, then read. */
  if (confab_xmpp_message_get_receipt_requested (message) && confab_xmpp_message_get_id (message) != NULL)
    confab_xmpp_messages_send_receipt (messages, from, confab_xmpp_message_get_id (message));
  if (confab_xmpp_message_get_markable (message) && id != NULL)
    confab_xmpp_messages_send_marker (messages, from, id, CONFAB_XMPP_MARKER_DISPLAYED);

  lower = g_utf8_strdown (body, -1);
  if (id != NULL && (strstr (lower, "thank") != NULL || strstr (lower, "love") != NULL))
    {
      const char * const heart[] = { "❤️", NULL };

      g_free (confab_xmpp_messages_send_reaction (messages, from, id, heart));
    }

  answer = compose_answer (self, body);
  self->n_answered++;
  self->welcomed = TRUE;
  queue_reply (self, answer);
}

static void
on_presence_changed_cb (ConfabXmppPresence     *presence,
                        ConfabXmppPresenceInfo *info,
                        gpointer                user_data)
{
  DemoBot *self = user_data;

  if (self->welcomed || !confab_xmpp_presence_info_get_available (info)
      || !confab_jid_equal_bare (confab_xmpp_presence_info_get_jid (info), self->user))
    return;
  /* Give the user's window a moment to come up before "typing…". */
  g_clear_handle_id (&self->welcome_source, g_source_remove);
  self->welcome_source = g_timeout_add_seconds (1, welcome_cb, self);
}

static void
on_subscription_requested_cb (ConfabXmppPresence *presence,
                              ConfabJid          *jid,
                              const char         *status,
                              const char         *nick,
                              gpointer            user_data)
{
  /* Everyone on this private server is a friend. */
  confab_xmpp_presence_approve (presence, jid);
}

static void connect_now (DemoBot *self);

static gboolean
reconnect_cb (gpointer user_data)
{
  DemoBot *self = user_data;

  self->reconnect_source = 0;
  connect_now (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (DemoBot *self)
{
  if (self->reconnect_source == 0 && !g_cancellable_is_cancelled (self->cancellable))
    self->reconnect_source = g_timeout_add_seconds (RECONNECT_SECONDS, reconnect_cb, self);
}

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  DemoBot *self = user_data;
  g_autoptr(GError) error = NULL;
  ConfabXmppPresence *presence;

  if (!confab_xmpp_stream_connect_finish (CONFAB_XMPP_STREAM (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_printerr ("confab-demo-server: the bot could not log in: %s\n", error->message);
      schedule_reconnect (self);
      return;
    }

  presence = CONFAB_XMPP_PRESENCE (confab_xmpp_stream_get_module (self->stream, CONFAB_TYPE_XMPP_PRESENCE));
  confab_xmpp_presence_send_available (presence, CONFAB_XMPP_PRESENCE_SHOW_CHAT,
                                       "Demo bot: I answer every message", 0);
  if (!self->welcomed && self->welcome_source == 0)
    self->welcome_source = g_timeout_add_seconds (WELCOME_FALLBACK_SECONDS, welcome_cb, self);
  schedule_next_reply (self);
}

static void
connect_now (DemoBot *self)
{
  confab_xmpp_stream_connect_async (self->stream, self->password, self->cancellable,
                                    connected_cb, self);
}

static void
on_closed_cb (ConfabXmppStream *stream,
              GError           *error,
              gpointer          user_data)
{
  DemoBot *self = user_data;

  if (error != NULL)
    g_printerr ("confab-demo-server: the bot was disconnected: %s\n", error->message);
  g_clear_handle_id (&self->reply_source, g_source_remove);
  schedule_reconnect (self);
}

DemoBot *
demo_bot_new (const char   *jid,
              const char   *password,
              guint16       port,
              GTlsDatabase *database,
              const char   *user_jid)
{
  DemoBot *self = g_new0 (DemoBot, 1);
  g_autoptr(ConfabJid) own = confab_jid_parse (jid, NULL);
  ConfabXmppModule *module;

  g_return_val_if_fail (own != NULL, NULL);

  self->user = confab_jid_parse (user_jid, NULL);
  self->password = g_strdup (password);
  self->cancellable = g_cancellable_new ();
  g_queue_init (&self->replies);

  self->stream = confab_xmpp_stream_new (own);
  confab_xmpp_stream_set_host (self->stream, "127.0.0.1", port);
  confab_xmpp_stream_set_tls_database (self->stream, database);
  confab_xmpp_stream_set_resource (self->stream, "bot");
  confab_xmpp_add_standard_modules (self->stream);

  module = confab_xmpp_stream_get_module (self->stream, CONFAB_TYPE_XMPP_MESSAGES);
  g_signal_connect (module, "message-received", G_CALLBACK (on_message_received_cb), self);
  module = confab_xmpp_stream_get_module (self->stream, CONFAB_TYPE_XMPP_PRESENCE);
  g_signal_connect (module, "presence-changed", G_CALLBACK (on_presence_changed_cb), self);
  g_signal_connect (module, "subscription-requested", G_CALLBACK (on_subscription_requested_cb), self);
  g_signal_connect (self->stream, "closed", G_CALLBACK (on_closed_cb), self);
  g_signal_connect (self->stream, "connection-lost", G_CALLBACK (on_closed_cb), self);

  return self;
}

void
demo_bot_start (DemoBot *self)
{
  connect_now (self);
}

void
demo_bot_free (DemoBot *self)
{
  ConfabXmppModule *module;

  if (self == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->reply_source, g_source_remove);
  g_clear_handle_id (&self->welcome_source, g_source_remove);
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  g_signal_handlers_disconnect_by_data (self->stream, self);
  module = confab_xmpp_stream_get_module (self->stream, CONFAB_TYPE_XMPP_MESSAGES);
  g_signal_handlers_disconnect_by_data (module, self);
  module = confab_xmpp_stream_get_module (self->stream, CONFAB_TYPE_XMPP_PRESENCE);
  g_signal_handlers_disconnect_by_data (module, self);
  g_queue_clear_full (&self->replies, (GDestroyNotify) reply_free);
  g_clear_object (&self->stream);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->user, confab_jid_unref);
  g_free (self->password);
  g_free (self);
}
