/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The main window against the real server: a message from bob appears in
 * the conversation list with an unread badge, opening it shows the
 * message, a reply typed in the composer reaches bob, and hostile text is
 * shown as text. */
#include "config.h"

#include <string.h>

#include "confab-account.h"
#include "confab-composer.h"
#include "confab-conversation-list.h"
#include "confab-conversation-row.h"
#include "confab-conversation-view.h"
#include "confab-message-row.h"
#include "confab-styled-text.h"
#include "confab-window.h"
#include "confab-xmpp-message.h"
#include "confab-xmpp-modules.h"
#include "ui-test-util.h"

#define WAIT_SECONDS 30

/* bob: a raw stream, as another client would be. */
typedef struct {
  ConfabXmppStream   *stream;
  ConfabXmppMessages *messages;
  GPtrArray          *bodies;       /* every body received, corrections too */
  GPtrArray          *reply_ids;    /* XEP-0461 ids of the replies received */
  GPtrArray          *corrections;  /* new texts of XEP-0308 corrections */
  GPtrArray          *reactions;    /* "id emoji" of XEP-0444 reactions */
  ConfabXmppChatState chat_state;
} Peer;

typedef struct {
  UiTestProfile     *profile;
  ConfabAccount     *alice;
  ConfabApplication *application;
  ConfabWindow      *window;
  Peer               bob;
} Fixture;

static void
peer_message_cb (ConfabXmppMessages *messages,
                 ConfabXmppMessage  *message,
                 gboolean            is_carbon,
                 gboolean            is_sent,
                 Peer               *peer)
{
  if (is_carbon || confab_xmpp_message_get_body (message) == NULL)
    return;
  g_ptr_array_add (peer->bodies, g_strdup (confab_xmpp_message_get_body (message)));
  if (confab_xmpp_message_get_reply_id (message) != NULL)
    g_ptr_array_add (peer->reply_ids, g_strdup (confab_xmpp_message_get_reply_id (message)));
}

static void
peer_chat_state_cb (ConfabXmppMessages  *messages,
                    ConfabXmppMessage   *message,
                    ConfabXmppChatState  state,
                    Peer                *peer)
{
  peer->chat_state = state;
}

static void
peer_correction_cb (ConfabXmppMessages *messages,
                    ConfabXmppMessage  *message,
                    const char         *replace_id,
                    gboolean            verified,
                    Peer               *peer)
{
  g_ptr_array_add (peer->corrections, g_strdup (confab_xmpp_message_get_body (message)));
}

static void
peer_reaction_cb (ConfabXmppMessages *messages,
                  ConfabXmppMessage  *message,
                  const char         *id,
                  const char * const *reactions,
                  Peer               *peer)
{
  for (guint i = 0; reactions != NULL && reactions[i] != NULL; i++)
    g_ptr_array_add (peer->reactions, g_strdup_printf ("%s %s", id, reactions[i]));
}

/* The application as main() makes it, registered (GTK adds windows only
 * to a started application) but never run; one per program, as its D-Bus
 * object path can be exported once. */
static ConfabApplication *
the_application (void)
{
  static ConfabApplication *application;
  g_autoptr(GError) error = NULL;

  if (application != NULL)
    return application;
  application = confab_application_new ();
  g_application_set_flags (G_APPLICATION (application),
                           G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
  g_application_register (G_APPLICATION (application), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_application_get_is_registered (G_APPLICATION (application)));
  return application;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabXmppNode) presence = NULL;

  f->profile = ui_test_profile_new ();
  f->alice = ui_test_profile_add_account (f->profile, "alice");

  f->application = g_object_ref (the_application ());
  f->window = confab_window_new_for_manager (GTK_APPLICATION (f->application), f->profile->manager);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 900, 700);
  gtk_window_present (GTK_WINDOW (f->window));
  ui_test_settle (100);

  f->bob.bodies = g_ptr_array_new_with_free_func (g_free);
  f->bob.reply_ids = g_ptr_array_new_with_free_func (g_free);
  f->bob.corrections = g_ptr_array_new_with_free_func (g_free);
  f->bob.reactions = g_ptr_array_new_with_free_func (g_free);
  f->bob.stream = xmpp_test_stream_new ("bob", 0);
  confab_xmpp_add_standard_modules (f->bob.stream);
  f->bob.messages = g_object_ref (CONFAB_XMPP_MESSAGES (
    confab_xmpp_stream_get_module (f->bob.stream, CONFAB_TYPE_XMPP_MESSAGES)));
  g_signal_connect (f->bob.messages, "message-received", G_CALLBACK (peer_message_cb), &f->bob);
  g_signal_connect (f->bob.messages, "chat-state-changed", G_CALLBACK (peer_chat_state_cb), &f->bob);
  g_signal_connect (f->bob.messages, "correction-received", G_CALLBACK (peer_correction_cb), &f->bob);
  g_signal_connect (f->bob.messages, "reaction-received", G_CALLBACK (peer_reaction_cb), &f->bob);
  xmpp_test_connect_ok (f->bob.stream);
  presence = confab_xmpp_node_new ("presence", CONFAB_XMPP_NS_CLIENT);
  confab_xmpp_stream_send (f->bob.stream, presence);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_signal_handlers_disconnect_by_data (f->bob.messages, &f->bob);
  xmpp_test_close (f->bob.stream);
  g_clear_object (&f->bob.messages);
  g_clear_object (&f->bob.stream);
  g_clear_pointer (&f->bob.bodies, g_ptr_array_unref);
  g_clear_pointer (&f->bob.reply_ids, g_ptr_array_unref);
  g_clear_pointer (&f->bob.corrections, g_ptr_array_unref);
  g_clear_pointer (&f->bob.reactions, g_ptr_array_unref);

  gtk_window_destroy (GTK_WINDOW (f->window));
  ui_test_settle (100);
  g_clear_object (&f->application);
  /* alice belongs to the profile's manager. */
  f->alice = NULL;
  g_clear_pointer (&f->profile, ui_test_profile_free);
}

/* With CONFAB_TEST_SCREENSHOTS set, saves what @widget shows there as
 * @name.png: to look at the real widgets after a run. */
static void
maybe_screenshot (GtkWidget  *widget,
                  const char *name)
{
  const char *dir = g_getenv ("CONFAB_TEST_SCREENSHOTS");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  GtkSnapshot *snapshot;
  int width, height;

  if (dir == NULL)
    return;
  ui_test_settle (300);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    return;
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  file = g_strconcat (name, ".png", NULL);
  path = g_build_filename (dir, file, NULL);
  gdk_texture_save_to_png (texture, path);
}

static char *
bob_says_id (Fixture    *f,
             const char *body)
{
  g_autoptr(ConfabJid) alice = confab_jid_parse ("alice@" CONFAB_TEST_DOMAIN, NULL);
  ConfabXmppChatOptions options = { 0 };
  char *id = confab_xmpp_messages_send_chat (f->bob.messages, alice, body, &options);

  g_assert_nonnull (id);
  return id;
}

static void
bob_says (Fixture    *f,
          const char *body)
{
  g_free (bob_says_id (f, body));
}

typedef struct {
  GtkWidget  *root;
  const char *text;
} TextQuery;

static gboolean
text_shown_pred (gpointer data)
{
  TextQuery *query = data;

  return ui_test_find_text (query->root, query->text) != NULL;
}

static GtkWidget *
wait_for_text (GtkWidget  *root,
               const char *text)
{
  TextQuery query = { root, text };

  g_assert_true (ui_test_wait_until (text_shown_pred, &query, WAIT_SECONDS));
  return ui_test_find_text (root, text);
}

typedef struct {
  Peer       *peer;
  const char *body;
} BodyQuery;

static gboolean
peer_received_pred (gpointer data)
{
  BodyQuery *query = data;

  for (guint i = 0; i < query->peer->bodies->len; i++)
    if (g_strcmp0 (g_ptr_array_index (query->peer->bodies, i), query->body) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
title_pred (gpointer data)
{
  Fixture *f = data;

  return g_strcmp0 (gtk_window_get_title (GTK_WINDOW (f->window)), "(1) Confab") == 0;
}

static GtkEventController *
find_key_controller (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller)
          && gtk_event_controller_get_propagation_phase (controller) == GTK_PHASE_CAPTURE)
        return controller;
    }
  return NULL;
}

static gboolean
press_key (GtkWidget      *text_view,
           guint           keyval,
           GdkModifierType state)
{
  GtkEventController *keys = find_key_controller (text_view);
  gboolean handled = FALSE;

  g_assert_nonnull (keys);
  g_signal_emit_by_name (keys, "key-pressed", keyval, 0, state, &handled);
  return handled;
}

static char *
buffer_text (GtkTextBuffer *buffer)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
test_receive_and_send (Fixture       *f,
                       gconstpointer  data)
{
  GtkWidget *root = GTK_WIDGET (f->window);
  GtkWidget *preview, *row, *badge, *list, *view, *body, *text_view, *send_button, *styled;
  ConfabConversationList *conversations = confab_account_manager_get_conversations (f->profile->manager);
  ConfabConversation *conversation;
  GtkTextBuffer *buffer;
  g_autofree char *typed = NULL;
  BodyQuery reply = { &f->bob, "Hi Bob, this is Alice" };
  BodyQuery second = { &f->bob, "Second line\nand another" };

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (f->window)), ==, "Confab");

  /* Received: the list shows the conversation with the preview, an unread
   * badge, and the window title counts it. */
  bob_says (f, "Hello from Bob, how are you?");
  preview = wait_for_text (root, "Hello from Bob, how are you?");
  row = gtk_widget_get_ancestor (preview, CONFAB_TYPE_CONVERSATION_ROW);
  g_assert_nonnull (row);
  g_assert_nonnull (ui_test_find_text (row, "bob@" CONFAB_TEST_DOMAIN));
  badge = ui_test_find_widget (row, GTK_TYPE_LABEL, "unread_label");
  g_assert_nonnull (badge);
  g_assert_true (gtk_widget_get_visible (badge));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (badge)), ==, "1");
  g_assert_true (ui_test_wait_until (title_pred, f, WAIT_SECONDS));

  conversation = confab_conversation_list_lookup (conversations, f->alice, "bob@" CONFAB_TEST_DOMAIN);
  g_assert_nonnull (conversation);
  g_assert_cmpuint (confab_conversation_get_unread_count (conversation), ==, 1);

  /* Opened from the list, as a click does: the message row shows it. */
  list = ui_test_find_widget (root, GTK_TYPE_LIST_VIEW, "conversation_list");
  g_assert_nonnull (list);
  g_signal_emit_by_name (list, "activate", 0u);
  view = ui_test_find_widget (root, CONFAB_TYPE_CONVERSATION_VIEW, NULL);
  g_assert_nonnull (view);
  g_assert_true (confab_conversation_view_get_conversation (CONFAB_CONVERSATION_VIEW (view)) == conversation);
  body = wait_for_text (view, "Hello from Bob, how are you?");
  g_assert_nonnull (gtk_widget_get_ancestor (body, CONFAB_TYPE_MESSAGE_ROW));
  g_assert_true (gtk_label_get_selectable (GTK_LABEL (body)));
  /* Seen only when the window has the focus (Xvfb may not give it). */
  g_test_message ("window active: %d", gtk_window_is_active (GTK_WINDOW (f->window)));
  if (gtk_window_is_active (GTK_WINDOW (f->window)))
    {
      g_assert_cmpuint (confab_conversation_get_unread_count (conversation), ==, 0);
      g_assert_true (confab_window_get_visible_conversation (f->window) == conversation);
    }

  /* Typed and sent with Enter; Shift+Enter is left to the text view (a new
   * line); the send button sends too. */
  text_view = ui_test_find_widget (view, GTK_TYPE_TEXT_VIEW, "text_view");
  g_assert_nonnull (text_view);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (text_view));
  send_button = ui_test_find_widget (view, GTK_TYPE_BUTTON, "send_button");
  g_assert_nonnull (send_button);
  g_assert_false (gtk_widget_get_sensitive (send_button));

  gtk_text_buffer_set_text (buffer, "Hi Bob, this is Alice", -1);
  g_assert_true (gtk_widget_get_sensitive (send_button));
  g_assert_false (press_key (text_view, GDK_KEY_Return, GDK_SHIFT_MASK));
  g_assert_true (press_key (text_view, GDK_KEY_Return, 0));
  typed = buffer_text (buffer);
  g_assert_cmpstr (typed, ==, "");
  g_assert_true (ui_test_wait_until (peer_received_pred, &reply, WAIT_SECONDS));
  wait_for_text (view, "Hi Bob, this is Alice");

  gtk_text_buffer_set_text (buffer, "Second line\nand another", -1);
  gtk_widget_activate (send_button);
  g_assert_true (ui_test_wait_until (peer_received_pred, &second, WAIT_SECONDS));
  wait_for_text (view, "and another");

  /* Blank text is not sent. */
  gtk_text_buffer_set_text (buffer, "  \n ", -1);
  g_assert_false (gtk_widget_get_sensitive (send_button));
  g_assert_true (press_key (text_view, GDK_KEY_Return, 0));
  g_clear_pointer (&typed, g_free);
  typed = buffer_text (buffer);
  g_assert_cmpstr (typed, ==, "  \n ");

  gtk_text_buffer_set_text (buffer, "", -1);
  bob_says (f, "Styling: *strong* _emphasis_ ~strike~ `code` and a link https://confab.im/\n> quoted *text*");
  styled = wait_for_text (view, "Styling:");
  maybe_screenshot (root, "main-window-wide");

  /* The link is found where it is drawn; the words around it are no link. */
  {
    PangoLayout *layout = gtk_label_get_layout (GTK_LABEL (styled));
    const char *text = gtk_label_get_text (GTK_LABEL (styled));
    const char *link = strstr (text, "https://");
    g_autofree char *uri = NULL;
    g_autofree char *none = NULL;
    PangoRectangle at;
    int offset_x, offset_y;

    g_assert_nonnull (link);
    gtk_label_get_layout_offsets (GTK_LABEL (styled), &offset_x, &offset_y);
    pango_layout_index_to_pos (layout, link - text + 2, &at);
    uri = confab_styled_text_link_at (GTK_LABEL (styled),
                                      offset_x + (double) at.x / PANGO_SCALE + 1,
                                      offset_y + (double) (at.y + at.height / 2) / PANGO_SCALE);
    g_assert_cmpstr (uri, ==, "https://confab.im/");
    pango_layout_index_to_pos (layout, 2, &at);
    none = confab_styled_text_link_at (GTK_LABEL (styled),
                                       offset_x + (double) at.x / PANGO_SCALE + 1,
                                       offset_y + (double) (at.y + at.height / 2) / PANGO_SCALE);
    g_assert_null (none);
  }
  gtk_window_set_default_size (GTK_WINDOW (f->window), 400, 700);
  maybe_screenshot (root, "main-window-narrow");
}

static void
test_untrusted_text (Fixture       *f,
                     gconstpointer  data)
{
  GtkWidget *root = GTK_WIDGET (f->window);
  const char *hostile = "<b>markup</b> &amp; \xe2\x80\xae" "evil.exe";
  GtkWidget *preview, *list, *view, *body;
  const char *shown;

  bob_says (f, hostile);
  preview = wait_for_text (root, "<b>markup</b>");
  g_assert_nonnull (gtk_widget_get_ancestor (preview, CONFAB_TYPE_CONVERSATION_ROW));
  g_assert_false (gtk_label_get_use_markup (GTK_LABEL (preview)));
  /* The preview is isolated: U+2068 … U+2069 around the text. */
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (preview)), "\xe2\x81\xa8"));
  g_assert_true (g_str_has_suffix (gtk_label_get_text (GTK_LABEL (preview)), "\xe2\x81\xa9"));

  list = ui_test_find_widget (root, GTK_TYPE_LIST_VIEW, "conversation_list");
  g_signal_emit_by_name (list, "activate", 0u);
  view = ui_test_find_widget (root, CONFAB_TYPE_CONVERSATION_VIEW, NULL);
  body = wait_for_text (view, "<b>markup</b>");
  g_assert_nonnull (gtk_widget_get_ancestor (body, CONFAB_TYPE_MESSAGE_ROW));
  /* Exactly the characters received: no markup parsed, nothing dropped. */
  shown = gtk_label_get_text (GTK_LABEL (body));
  g_assert_cmpstr (shown, ==, hostile);
  g_assert_false (gtk_label_get_use_markup (GTK_LABEL (body)));
  maybe_screenshot (root, "main-window-untrusted");
}

typedef struct {
  GPtrArray  *strings;
  const char *expected;
} StringQuery;

static gboolean
string_received_pred (gpointer data)
{
  StringQuery *query = data;

  for (guint i = 0; i < query->strings->len; i++)
    if (g_strcmp0 (g_ptr_array_index (query->strings, i), query->expected) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
bob_sees_composing_pred (gpointer data)
{
  return ((Peer *) data)->chat_state == CONFAB_XMPP_CHAT_STATE_COMPOSING;
}

/* Like ui_test_find_text(), but only among shown widgets: rows keep
 * hidden labels (an "edited" mark waiting to be needed). */
static GtkWidget *
find_visible_text (GtkWidget  *root,
                   const char *text)
{
  if (!gtk_widget_get_visible (root))
    return NULL;
  if (GTK_IS_LABEL (root) && strstr (gtk_label_get_text (GTK_LABEL (root)), text) != NULL)
    return root;
  if (GTK_IS_BUTTON (root) && gtk_button_get_label (GTK_BUTTON (root)) != NULL
      && strstr (gtk_button_get_label (GTK_BUTTON (root)), text) != NULL)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_visible_text (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
visible_text_pred (gpointer data)
{
  TextQuery *query = data;

  return find_visible_text (query->root, query->text) != NULL;
}

static GtkWidget *
open_conversation_with_bob (Fixture    *f,
                            const char *waiting_for)
{
  GtkWidget *root = GTK_WIDGET (f->window);
  ConfabConversationList *conversations = confab_account_manager_get_conversations (f->profile->manager);
  ConfabConversation *conversation;
  GtkWidget *view;

  wait_for_text (root, waiting_for);
  conversation = confab_conversation_list_lookup (conversations, f->alice, "bob@" CONFAB_TEST_DOMAIN);
  g_assert_nonnull (conversation);
  confab_window_open_conversation (f->window, conversation, 0);
  view = ui_test_find_widget (root, CONFAB_TYPE_CONVERSATION_VIEW, NULL);
  g_assert_true (confab_conversation_view_get_conversation (CONFAB_CONVERSATION_VIEW (view)) == conversation);
  wait_for_text (view, waiting_for);
  return view;
}

/* Chat states while typing, Up to correct the last message, a reply from
 * a message's menu action, and a reaction. */
static void
test_compose (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *bob_id = bob_says_id (f, "Can you answer this one?");
  ConfabConversationList *conversations = confab_account_manager_get_conversations (f->profile->manager);
  GtkWidget *view = open_conversation_with_bob (f, "Can you answer this one?");
  GtkWidget *text_view = ui_test_find_widget (view, GTK_TYPE_TEXT_VIEW, "text_view");
  GtkWidget *revealer = ui_test_find_widget (view, GTK_TYPE_REVEALER, "mode_revealer");
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (text_view));
  ConfabConversation *conversation = confab_conversation_list_lookup (conversations, f->alice,
                                                                      "bob@" CONFAB_TEST_DOMAIN);
  g_autoptr(ConfabConversationModel) messages = confab_conversation_get_messages (conversation);
  g_autoptr(ConfabMessageItem) question = NULL;
  g_autofree char *typed = NULL;
  g_autofree char *reaction = NULL;
  StringQuery first = { f->bob.bodies, "First try" };
  StringQuery corrected = { f->bob.corrections, "Second try" };
  StringQuery answered = { f->bob.reply_ids, bob_id };
  StringQuery reacted = { f->bob.reactions, NULL };
  TextQuery edited = { view, "edited" };
  TextQuery reaction_shown = { view, "\xf0\x9f\x91\x8d 1" };
  TextQuery deleted = { view, "This message was deleted" };
  g_autofree char *retraction = NULL;
  g_autoptr(ConfabJid) bob_jid_alice = confab_jid_parse ("alice@" CONFAB_TEST_DOMAIN, NULL);
  guint n;

  g_assert_nonnull (revealer);

  /* XEP-0085: typing tells bob. */
  gtk_text_buffer_set_text (buffer, "First", -1);
  g_assert_true (ui_test_wait_until (bob_sees_composing_pred, &f->bob, WAIT_SECONDS));
  gtk_text_buffer_set_text (buffer, "First try", -1);
  g_assert_true (press_key (text_view, GDK_KEY_Return, 0));
  g_assert_true (ui_test_wait_until (string_received_pred, &first, WAIT_SECONDS));
  g_assert_cmpint (f->bob.chat_state, !=, CONFAB_XMPP_CHAT_STATE_COMPOSING);

  /* Up in the empty composer: the last message, to correct (XEP-0308). */
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
  g_assert_true (press_key (text_view, GDK_KEY_Up, 0));
  typed = buffer_text (buffer);
  g_assert_cmpstr (typed, ==, "First try");
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
  gtk_text_buffer_set_text (buffer, "Second try", -1);
  g_assert_true (press_key (text_view, GDK_KEY_Return, 0));
  g_assert_true (ui_test_wait_until (string_received_pred, &corrected, WAIT_SECONDS));
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
  wait_for_text (view, "Second try");
  g_assert_true (ui_test_wait_until (visible_text_pred, &edited, WAIT_SECONDS));

  /* Escape leaves correction mode and its text. */
  g_assert_true (press_key (text_view, GDK_KEY_Up, 0));
  g_assert_true (press_key (text_view, GDK_KEY_Escape, 0));
  g_clear_pointer (&typed, g_free);
  typed = buffer_text (buffer);
  g_assert_cmpstr (typed, ==, "");

  /* Reply, as the message menu does (XEP-0461). */
  n = g_list_model_get_n_items (G_LIST_MODEL (messages));
  for (guint i = 0; i < n && question == NULL; i++)
    {
      g_autoptr(ConfabMessageItem) item = g_list_model_get_item (G_LIST_MODEL (messages), i);

      if (g_strcmp0 (confab_message_item_get_body (item), "Can you answer this one?") == 0)
        question = g_steal_pointer (&item);
    }
  g_assert_nonnull (question);
  g_assert_true (gtk_widget_activate_action (view, "conversation.reply", "x",
                                             confab_message_item_get_id (question)));
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
  gtk_text_buffer_set_text (buffer, "Yes I can", -1);
  g_assert_true (press_key (text_view, GDK_KEY_Return, 0));
  g_assert_true (ui_test_wait_until (string_received_pred, &answered, WAIT_SECONDS));

  /* React (XEP-0444): bob gets it, the row shows it. */
  g_assert_true (gtk_widget_activate_action (view, "conversation.react", "(xs)",
                                             confab_message_item_get_id (question), "\xf0\x9f\x91\x8d"));
  reaction = g_strdup_printf ("%s \xf0\x9f\x91\x8d", bob_id);
  reacted.expected = reaction;
  g_assert_true (ui_test_wait_until (string_received_pred, &reacted, WAIT_SECONDS));
  g_assert_true (ui_test_wait_until (visible_text_pred, &reaction_shown, WAIT_SECONDS));

  /* Bob takes a message back (XEP-0424): a placeholder, not his text. */
  retraction = bob_says_id (f, "Oops, wrong window");
  wait_for_text (view, "Oops, wrong window");
  g_free (confab_xmpp_messages_send_retraction (f->bob.messages, bob_jid_alice, retraction));
  g_assert_true (ui_test_wait_until (visible_text_pred, &deleted, WAIT_SECONDS));
  g_assert_null (find_visible_text (view, "Oops, wrong window"));
  maybe_screenshot (GTK_WIDGET (f->window), "main-window-compose");
}

typedef struct {
  ConfabConversation *conversation;
  const char         *body;
} LastBodyQuery;

static gboolean
last_body_pred (gpointer data)
{
  LastBodyQuery *query = data;

  return g_strcmp0 (confab_conversation_get_last_body (query->conversation), query->body) == 0;
}

static gboolean
conversation_pred (gpointer data)
{
  Fixture *f = data;
  ConfabConversationList *conversations = confab_account_manager_get_conversations (f->profile->manager);

  return confab_conversation_list_lookup (conversations, f->alice, "bob@" CONFAB_TEST_DOMAIN) != NULL;
}

typedef struct {
  ConfabConversationModel *model;
  guint                    more_than;
} LoadedQuery;

static gboolean
loaded_pred (gpointer data)
{
  LoadedQuery *query = data;

  return g_list_model_get_n_items (G_LIST_MODEL (query->model)) > query->more_than;
}

static gboolean
at_bottom (GtkAdjustment *adjustment)
{
  return gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment)
         >= gtk_adjustment_get_upper (adjustment) - 48;
}

/* Laid out (taller than the view) and scrolled to the end. */
static gboolean
at_bottom_pred (gpointer data)
{
  GtkAdjustment *adjustment = data;

  return gtk_adjustment_get_upper (adjustment) > gtk_adjustment_get_page_size (adjustment)
         && gtk_adjustment_get_page_size (adjustment) > 0
         && at_bottom (adjustment);
}

/* The message shown at the top of the message list. */
static ConfabMessageItem *
message_at_top (GtkWidget *view)
{
  GtkWidget *list = ui_test_find_widget (view, GTK_TYPE_LIST_VIEW, NULL);
  GtkWidget *picked = gtk_widget_pick (list, 40, 4, GTK_PICK_DEFAULT);
  GtkWidget *row = picked != NULL ? gtk_widget_get_ancestor (picked, CONFAB_TYPE_MESSAGE_ROW) : NULL;

  return row != NULL ? confab_message_row_get_item (CONFAB_MESSAGE_ROW (row)) : NULL;
}

/* A long conversation opens at its end with one page loaded; scrolling to
 * the top loads the page before, and new messages keep the view at the
 * bottom. */
static void
test_history (Fixture       *f,
              gconstpointer  data)
{
  ConfabConversationList *conversations = confab_account_manager_get_conversations (f->profile->manager);
  ConfabConversation *conversation;
  g_autoptr(ConfabConversationModel) messages = NULL;
  GtkWidget *view, *scrolled;
  GtkAdjustment *adjustment;
  LastBodyQuery last = { NULL, "Burst 79" };
  LastBodyQuery after = { NULL, "After the burst" };
  LoadedQuery older = { NULL, 0 };
  g_autoptr(ConfabMessageItem) oldest = NULL;
  g_autoptr(ConfabMessageItem) newest_top = NULL;
  ConfabMessageItem *top;
  guint first_page;

  for (guint i = 0; i < 80; i++)
    {
      g_autofree char *body = g_strdup_printf ("Burst %u", i);

      bob_says (f, body);
    }
  g_assert_true (ui_test_wait_until (conversation_pred, f, WAIT_SECONDS));
  conversation = confab_conversation_list_lookup (conversations, f->alice, "bob@" CONFAB_TEST_DOMAIN);
  last.conversation = conversation;
  g_assert_true (ui_test_wait_until (last_body_pred, &last, WAIT_SECONDS));

  view = open_conversation_with_bob (f, "Burst 79");
  messages = confab_conversation_get_messages (conversation);
  first_page = g_list_model_get_n_items (G_LIST_MODEL (messages));
  g_assert_cmpuint (first_page, >=, CONFAB_CONVERSATION_MODEL_PAGE_SIZE);
  g_assert_true (confab_conversation_model_get_has_older (messages));

  scrolled = ui_test_find_widget (view, GTK_TYPE_SCROLLED_WINDOW, "scrolled_window");
  g_assert_nonnull (scrolled);
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  g_assert_true (ui_test_wait_until (at_bottom_pred, adjustment, WAIT_SECONDS));

  /* A new message while at the bottom: still at the bottom. */
  bob_says (f, "After the burst");
  after.conversation = conversation;
  g_assert_true (ui_test_wait_until (last_body_pred, &after, WAIT_SECONDS));
  wait_for_text (view, "After the burst");
  g_assert_true (ui_test_wait_until (at_bottom_pred, adjustment, WAIT_SECONDS));

  /* Up to the top: the page before is loaded above. */
  older.model = messages;
  older.more_than = g_list_model_get_n_items (G_LIST_MODEL (messages));
  g_test_message ("loaded %u (first page %u), has older %d, upper %f page %f",
                  older.more_than, first_page, confab_conversation_model_get_has_older (messages),
                  gtk_adjustment_get_upper (adjustment), gtk_adjustment_get_page_size (adjustment));
  oldest = g_list_model_get_item (G_LIST_MODEL (messages), 0);
  gtk_adjustment_set_value (adjustment, 0);
  g_assert_true (ui_test_wait_until (loaded_pred, &older, WAIT_SECONDS));
  ui_test_settle (300);
  /* … and the view stays on what was shown, not on the new top: the
   * message at the top is still the one that was oldest. */
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), >, 0);
  top = message_at_top (view);
  g_assert_nonnull (top);
  g_test_message ("top: %s, was oldest: %s", confab_message_item_get_body (top),
                  confab_message_item_get_body (oldest));
  newest_top = g_list_model_get_item (G_LIST_MODEL (messages), 0);
  g_assert_true (top != newest_top);
}

static gboolean
two_conversations_pred (gpointer data)
{
  Fixture *f = data;
  ConfabConversationList *conversations = confab_account_manager_get_conversations (f->profile->manager);

  return g_list_model_get_n_items (G_LIST_MODEL (conversations)) >= 2;
}

static gboolean
one_row_pred (gpointer data)
{
  return g_list_model_get_n_items (G_LIST_MODEL (gtk_list_view_get_model (data))) == 1;
}

/* With two accounts, each row says which account it is of, the list can
 * be filtered by account, and an account in trouble says so. */
static void
test_accounts (Fixture       *f,
               gconstpointer  data)
{
  GtkWidget *root = GTK_WIDGET (f->window);
  ConfabAccount *carol = ui_test_profile_add_account (f->profile, "carol");
  g_autoptr(ConfabJid) carol_jid = confab_jid_parse ("carol@" CONFAB_TEST_DOMAIN, NULL);
  ConfabXmppChatOptions options = { 0 };
  g_autofree char *id = NULL;
  GtkWidget *dropdown, *list, *trouble;
  TextQuery carol_row = { NULL, "carol@" CONFAB_TEST_DOMAIN };
  TextQuery trouble_text = { NULL, "carol@" CONFAB_TEST_DOMAIN };

  bob_says (f, "To Alice");
  id = confab_xmpp_messages_send_chat (f->bob.messages, carol_jid, "To Carol", &options);
  g_assert_true (ui_test_wait_until (two_conversations_pred, f, WAIT_SECONDS));
  wait_for_text (root, "To Carol");

  dropdown = ui_test_find_widget (root, GTK_TYPE_DROP_DOWN, "account_dropdown");
  g_assert_nonnull (dropdown);
  g_assert_true (gtk_widget_get_visible (dropdown));
  list = ui_test_find_widget (root, GTK_TYPE_LIST_VIEW, "conversation_list");
  carol_row.root = list;
  g_assert_true (ui_test_wait_until (visible_text_pred, &carol_row, WAIT_SECONDS));
  g_assert_nonnull (find_visible_text (list, "alice@" CONFAB_TEST_DOMAIN));

  /* "All Accounts", alice, carol: only carol's conversation. */
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (GTK_DROP_DOWN (dropdown))), ==, 3);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), 2);
  g_assert_true (ui_test_wait_until (one_row_pred, list, WAIT_SECONDS));
  ui_test_settle (100);
  g_assert_null (find_visible_text (list, "To Alice"));
  g_assert_nonnull (find_visible_text (list, "To Carol"));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (list)))), ==, 2);

  /* Trouble shows at the top of the sidebar, with the account. */
  trouble = ui_test_find_widget (root, GTK_TYPE_BOX, "trouble_box");
  g_assert_nonnull (trouble);
  g_assert_null (find_visible_text (trouble, "carol@"));
  confab_account_set_error (carol, "The keyring is locked");
  trouble_text.root = trouble;
  g_assert_true (ui_test_wait_until (visible_text_pred, &trouble_text, WAIT_SECONDS));
  maybe_screenshot (root, "main-window-accounts");
}

static gboolean
main_shown_pred (gpointer data)
{
  GtkWidget *stack = ui_test_find_widget (data, GTK_TYPE_STACK, "main_stack");

  return g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (stack)), "main") == 0;
}

/* No account: the first-run page; once one is online, the main view. */
static void
test_first_run (void)
{
  g_autoptr(UiTestProfile) profile = ui_test_profile_new ();
  ConfabWindow *window = confab_window_new_for_manager (GTK_APPLICATION (the_application ()),
                                                        profile->manager);
  GtkWidget *stack = ui_test_find_widget (GTK_WIDGET (window), GTK_TYPE_STACK, "main_stack");

  g_autofree char *password = xmpp_test_password ("dave");
  g_autoptr(GError) error = NULL;

  gtk_window_present (GTK_WINDOW (window));
  g_assert_nonnull (stack);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "welcome");
  /* A new account with an empty archive: a first run. */
  g_assert_true (confab_test_server_create_account (xmpp_test_server (), "dave", password, &error));
  g_assert_no_error (error);
  ui_test_profile_add_account (profile, "dave");
  g_assert_true (ui_test_wait_until (main_shown_pred, window, WAIT_SECONDS));
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_settle (100);
}

/* A conversation further down than the rows made so far (a notification,
 * a search result or an xmpp: link opens it): the list grows to it and
 * selects it. */
static void
test_open_beyond_rows (Fixture       *f,
                       gconstpointer  data)
{
  ConfabConversationList *conversations = confab_account_manager_get_conversations (f->profile->manager);
  GListModel *model = G_LIST_MODEL (conversations);
  GtkWidget *root = GTK_WIDGET (f->window);
  GtkWidget *list_view = ui_test_find_widget (root, GTK_TYPE_LIST_VIEW, "conversation_list");
  GtkSelectionModel *selection;
  g_autoptr(ConfabConversation) far = NULL;
  g_autoptr(GObject) selected = NULL;
  GtkWidget *view;

  g_assert_nonnull (list_view);
  for (guint i = 0; i < 120; i++)
    {
      g_autofree char *peer = g_strdup_printf ("peer%03u@" CONFAB_TEST_DOMAIN, i);

      g_assert_nonnull (confab_conversation_list_ensure (conversations, f->alice, peer));
    }
  /* Opened at once, before the list had a frame to grow in. */
  far = g_list_model_get_item (model, g_list_model_get_n_items (model) - 1);
  confab_window_open_conversation (f->window, far, 0);
  ui_test_settle (200);

  view = ui_test_find_widget (root, CONFAB_TYPE_CONVERSATION_VIEW, NULL);
  g_assert_nonnull (view);
  g_assert_true (confab_conversation_view_get_conversation (CONFAB_CONVERSATION_VIEW (view)) == far);
  selection = gtk_list_view_get_model (GTK_LIST_VIEW (list_view));
  selected = g_object_ref (gtk_single_selection_get_selected_item (GTK_SINGLE_SELECTION (selection)));
  g_assert_true (selected == G_OBJECT (far));
}

/* The header's menus are built when first opened (launch time), and so is
 * the shortcuts window: each still shows what it should. */
static void
test_menus_built_when_opened (void)
{
  g_autoptr(UiTestProfile) profile = ui_test_profile_new ();
  ConfabWindow *window = confab_window_new_for_manager (GTK_APPLICATION (the_application ()),
                                                        profile->manager);
  GtkWidget *root = GTK_WIDGET (window);
  GtkWidget *presence = ui_test_find_widget (root, GTK_TYPE_MENU_BUTTON, "presence_button");
  GtkWidget *primary = ui_test_find_widget (root, GTK_TYPE_MENU_BUTTON, "primary_menu_button");
  GtkWidget *stack = ui_test_find_widget (root, GTK_TYPE_STACK, "main_stack");
  GtkWidget *welcome_menu;
  GtkWidget *shortcuts = NULL;
  GListModel *toplevels;

  gtk_window_present (GTK_WINDOW (window));
  ui_test_settle (100);
  g_assert_nonnull (presence);
  g_assert_nonnull (primary);
  g_assert_null (gtk_menu_button_get_popover (GTK_MENU_BUTTON (presence)));
  g_assert_null (gtk_menu_button_get_popover (GTK_MENU_BUTTON (primary)));

  gtk_menu_button_popup (GTK_MENU_BUTTON (presence));
  ui_test_settle (50);
  g_assert_nonnull (gtk_menu_button_get_popover (GTK_MENU_BUTTON (presence)));
  g_assert_nonnull (ui_test_find_text (GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (presence))),
                                       "Appear Offline"));
  gtk_menu_button_popdown (GTK_MENU_BUTTON (presence));

  gtk_menu_button_popup (GTK_MENU_BUTTON (primary));
  ui_test_settle (50);
  g_assert_nonnull (ui_test_find_text (GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (primary))),
                                       "Keyboard Shortcuts"));
  gtk_menu_button_popdown (GTK_MENU_BUTTON (primary));

  /* No account: the first-run page, with a main menu of its own. */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "welcome");
  welcome_menu = ui_test_find_widget (gtk_stack_get_child_by_name (GTK_STACK (stack), "welcome"),
                                      GTK_TYPE_MENU_BUTTON, NULL);
  g_assert_nonnull (welcome_menu);
  gtk_menu_button_popup (GTK_MENU_BUTTON (welcome_menu));
  ui_test_settle (50);
  g_assert_nonnull (ui_test_find_text (GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (welcome_menu))),
                                       "Add Account"));
  gtk_menu_button_popdown (GTK_MENU_BUTTON (welcome_menu));

  /* Asked for twice: one shortcuts window, over this one. */
  for (int i = 0; i < 2; i++)
    {
      g_assert_true (gtk_widget_activate_action (root, "win.show-help-overlay", NULL));
      ui_test_settle (50);
    }
  toplevels = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (GTK_IS_SHORTCUTS_WINDOW (toplevel))
        {
          g_assert_null (shortcuts);
          shortcuts = GTK_WIDGET (toplevel);
        }
    }
  g_assert_nonnull (shortcuts);
  g_assert_true (gtk_widget_get_visible (shortcuts));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (shortcuts)) == GTK_WINDOW (window));
  g_assert_nonnull (ui_test_find_text (shortcuts, "Show Shortcuts"));

  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_settle (100);
}

/* No profile (the application could not open it): a page that says so. */
static void
test_no_profile (void)
{
  GtkWidget *window = g_object_new (CONFAB_TYPE_WINDOW, NULL);
  GtkWidget *stack = ui_test_find_widget (window, GTK_TYPE_STACK, "main_stack");
  GtkWidget *page = ui_test_find_widget (window, ADW_TYPE_STATUS_PAGE, "error_page");

  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "error");
  g_assert_nonnull (page);
  g_assert_cmpstr (adw_status_page_get_description (ADW_STATUS_PAGE (page)), !=, "");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- The pure helpers behind the widgets ---------------------------------- */

static void
test_isolate (void)
{
  g_autofree char *plain = confab_styled_text_isolate ("Bob", 100);
  g_autofree char *stray = confab_styled_text_isolate ("\xe2\x81\xa9\xe2\x80\xae" "evil", 100);
  g_autofree char *open = confab_styled_text_isolate ("\xe2\x81\xa7" "x", 100);
  g_autofree char *lines = confab_styled_text_isolate ("a\nb", 100);
  g_autofree char *longer = confab_styled_text_isolate ("abcdef", 3);
  g_autofree char *null = confab_styled_text_isolate (NULL, 3);

  g_assert_cmpstr (plain, ==, "\xe2\x81\xa8" "Bob\xe2\x81\xa9");
  /* A PDI of its own would close our isolate early: dropped. */
  g_assert_cmpstr (stray, ==, "\xe2\x81\xa8\xe2\x80\xae" "evil\xe2\x81\xa9");
  /* An isolate it opens is closed before ours. */
  g_assert_cmpstr (open, ==, "\xe2\x81\xa8\xe2\x81\xa7" "x\xe2\x81\xa9\xe2\x81\xa9");
  g_assert_cmpstr (lines, ==, "\xe2\x81\xa8" "a b\xe2\x81\xa9");
  g_assert_cmpstr (longer, ==, "\xe2\x81\xa8" "abc…\xe2\x81\xa9");
  g_assert_cmpstr (null, ==, "\xe2\x81\xa8\xe2\x81\xa9");
}

static void
test_shorten (void)
{
  g_autofree char *huge = g_strnfill (CONFAB_STYLED_TEXT_MAX_BODY * 3, 'x');
  g_autofree char *cut = confab_styled_text_shorten (huge, CONFAB_STYLED_TEXT_MAX_BODY);
  g_autofree char *short_text = confab_styled_text_shorten ("héllo", 10);
  g_autofree char *invalid = confab_styled_text_shorten ("a\xff" "b", 10);

  g_assert_cmpuint (g_utf8_strlen (cut, -1), ==, CONFAB_STYLED_TEXT_MAX_BODY + 1);
  g_assert_true (g_str_has_suffix (cut, "…"));
  g_assert_cmpstr (short_text, ==, "héllo");
  g_assert_true (g_utf8_validate (invalid, -1, NULL));
}

static void
test_attributes (void)
{
  g_autoptr(PangoAttrList) list = confab_styled_text_attributes ("*bold* see https://confab.im");
  GSList *attributes = pango_attr_list_get_attributes (list);
  gboolean bold = FALSE, underline = FALSE;

  for (GSList *l = attributes; l != NULL; l = l->next)
    {
      PangoAttribute *attribute = l->data;

      if (attribute->klass->type == PANGO_ATTR_WEIGHT)
        bold |= attribute->start_index == 0 && attribute->end_index == 6;
      if (attribute->klass->type == PANGO_ATTR_UNDERLINE)
        underline |= attribute->start_index == 11 && attribute->end_index == 28;
    }
  g_slist_free_full (attributes, (GDestroyNotify) pango_attribute_destroy);
  g_assert_true (bold);
  g_assert_true (underline);
}

static void
test_relative_time (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_local (2026, 3, 12, 15, 30, 0);
  gint64 now_us = g_date_time_to_unix (now) * G_USEC_PER_SEC;
  g_autofree char *just = confab_conversation_row_format_time (now_us - 10 * G_USEC_PER_SEC, now);
  g_autofree char *minutes = confab_conversation_row_format_time (now_us - 5 * G_TIME_SPAN_MINUTE, now);
  g_autofree char *today = confab_conversation_row_format_time (now_us - 2 * G_TIME_SPAN_HOUR, now);
  g_autofree char *yesterday = confab_conversation_row_format_time (now_us - 20 * G_TIME_SPAN_HOUR, now);
  g_autofree char *never = confab_conversation_row_format_time (0, now);
  g_autofree char *future = confab_conversation_row_format_time (now_us + G_TIME_SPAN_HOUR, now);

  g_assert_cmpstr (just, ==, "now");
  g_assert_cmpstr (minutes, ==, "5 min");
  g_assert_cmpstr (today, ==, "13:30");
  g_assert_cmpstr (yesterday, ==, "Yesterday");
  g_assert_cmpstr (never, ==, "");
  /* A clock ahead of ours is "now", not a negative age. */
  g_assert_cmpstr (future, ==, "now");
}

int
main (int argc, char **argv)
{
  const char *build_dir = g_getenv ("G_TEST_BUILDDIR");
  int status;

  /* The uninstalled schema (data/ compiles it into the build directory). */
  if (build_dir != NULL)
    {
      g_autofree char *schemas = g_build_filename (build_dir, "..", "data", NULL);

      g_setenv ("GSETTINGS_SCHEMA_DIR", schemas, TRUE);
    }
  g_setenv ("LANGUAGE", "C", TRUE);
  ui_test_init (&argc, &argv);

  g_test_add_func ("/ui/main-window/isolate", test_isolate);
  g_test_add_func ("/ui/main-window/shorten", test_shorten);
  g_test_add_func ("/ui/main-window/attributes", test_attributes);
  g_test_add_func ("/ui/main-window/relative-time", test_relative_time);
  g_test_add_func ("/ui/main-window/no-profile", test_no_profile);

  if (!xmpp_test_start_server (NULL))
    return g_test_run ();

  g_test_add ("/ui/main-window/receive-and-send", Fixture, NULL,
              fixture_set_up, test_receive_and_send, fixture_tear_down);
  g_test_add ("/ui/main-window/untrusted-text", Fixture, NULL,
              fixture_set_up, test_untrusted_text, fixture_tear_down);
  g_test_add ("/ui/main-window/compose", Fixture, NULL,
              fixture_set_up, test_compose, fixture_tear_down);
  g_test_add ("/ui/main-window/history", Fixture, NULL,
              fixture_set_up, test_history, fixture_tear_down);
  g_test_add ("/ui/main-window/accounts", Fixture, NULL,
              fixture_set_up, test_accounts, fixture_tear_down);
  g_test_add ("/ui/main-window/open-beyond-rows", Fixture, NULL,
              fixture_set_up, test_open_beyond_rows, fixture_tear_down);
  g_test_add_func ("/ui/main-window/first-run", test_first_run);
  g_test_add_func ("/ui/main-window/menus-built-when-opened", test_menus_built_when_opened);

  status = g_test_run ();
  xmpp_test_stop_server ();
  return status;
}
