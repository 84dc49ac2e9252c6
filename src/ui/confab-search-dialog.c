/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-search-dialog.c: full-text search of the message history.
 *
 * Copyright 2026 The Confab developers
 *
 * The entry's own delay (150 ms) debounces typing; the query then runs from
 * a low-priority idle, never inside the key handler, so typing stays
 * responsive. Matching is the history store's (every word quoted, so FTS5
 * syntax typed by the user is just text); emphasis of the matched words is
 * computed here as Pango attributes on plain text, never as markup.
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "confab-contact-row.h"
#include "confab-search-dialog.h"
#include "confab-window.h"

#define SNIPPET_MAX_CHARS   160
#define SNIPPET_LEAD_CHARS  30
#define NAME_MAX_CHARS      48

/* ---- One result ------------------------------------------------------------ */

struct _ConfabSearchHit
{
  GObject               parent_instance;

  ConfabHistoryMessage *message;
  char                 *sender;        /* shown as is: already made safe */
  char                 *conversation;  /* shown as is: already made safe */
};

G_DEFINE_FINAL_TYPE (ConfabSearchHit, confab_search_hit, G_TYPE_OBJECT)

static void
confab_search_hit_finalize (GObject *object)
{
  ConfabSearchHit *self = CONFAB_SEARCH_HIT (object);

  g_clear_pointer (&self->message, confab_history_message_free);
  g_free (self->sender);
  g_free (self->conversation);

  G_OBJECT_CLASS (confab_search_hit_parent_class)->finalize (object);
}

static void
confab_search_hit_class_init (ConfabSearchHitClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = confab_search_hit_finalize;
}

static void
confab_search_hit_init (ConfabSearchHit *self)
{
}

const ConfabHistoryMessage *
confab_search_hit_get_message (ConfabSearchHit *self)
{
  g_return_val_if_fail (CONFAB_IS_SEARCH_HIT (self), NULL);

  return self->message;
}

/* ---- Emphasis of matched words ---------------------------------------------- */

/* Words as FTS5's unicode61 tokenizer sees them: runs of letters and
 * digits; everything else separates. Calls @func for each, with byte
 * offsets into @text. Returns FALSE as soon as @func does. */
typedef gboolean (*WordFunc) (const char *text, gsize start, gsize end, gpointer data);

static gboolean
foreach_word (const char *text,
              WordFunc    func,
              gpointer    data)
{
  const char *p = text;
  const char *start = NULL;

  for (; ; p = g_utf8_next_char (p))
    {
      gunichar c = *p != '\0' ? g_utf8_get_char (p) : 0;
      gboolean in_word = c != 0 && (g_unichar_isalnum (c) || g_unichar_ismark (c));

      if (in_word && start == NULL)
        start = p;
      else if (!in_word && start != NULL)
        {
          if (!func (text, start - text, p - text, data))
            return FALSE;
          start = NULL;
        }
      if (c == 0)
        break;
    }
  return TRUE;
}

static gboolean
collect_word_cb (const char *text,
                 gsize       start,
                 gsize       end,
                 gpointer    data)
{
  GHashTable *words = data;

  g_hash_table_add (words, g_utf8_casefold (text + start, end - start));
  return TRUE;
}

static GHashTable *
query_words (const char *query)
{
  GHashTable *words = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (query != NULL && g_utf8_validate (query, -1, NULL))
    foreach_word (query, collect_word_cb, words);
  return words;
}

typedef struct {
  GHashTable    *words;
  PangoAttrList *attrs;
  gssize         first;  /* byte offset of the first match, -1: none */
} HighlightData;

static gboolean
highlight_word_cb (const char *text,
                   gsize       start,
                   gsize       end,
                   gpointer    data)
{
  HighlightData *highlight = data;
  g_autofree char *folded = g_utf8_casefold (text + start, end - start);

  if (!g_hash_table_contains (highlight->words, folded))
    return TRUE;
  if (highlight->first < 0)
    highlight->first = start;
  if (highlight->attrs != NULL)
    {
      PangoAttribute *attr = pango_attr_weight_new (PANGO_WEIGHT_BOLD);

      attr->start_index = start;
      attr->end_index = end;
      pango_attr_list_insert (highlight->attrs, attr);
    }
  return TRUE;
}

PangoAttrList *
confab_search_highlight (const char *text,
                         const char *query)
{
  g_autoptr(GHashTable) words = query_words (query);
  HighlightData highlight = { words, pango_attr_list_new (), -1 };

  if (text != NULL && g_hash_table_size (words) > 0 && g_utf8_validate (text, -1, NULL))
    foreach_word (text, highlight_word_cb, &highlight);
  return highlight.attrs;
}

/* The part of @body worth showing: from a little before the first match,
 * one line, shortened and isolated. */
static char *
make_snippet (const char *body,
              GHashTable *words)
{
  HighlightData highlight = { words, NULL, -1 };
  const char *start = body;

  if (body == NULL || !g_utf8_validate (body, -1, NULL))
    return g_strdup ("");
  foreach_word (body, highlight_word_cb, &highlight);
  if (highlight.first > 0)
    {
      glong match_chars = g_utf8_pointer_to_offset (body, body + highlight.first);

      if (match_chars > SNIPPET_LEAD_CHARS)
        start = g_utf8_offset_to_pointer (body, match_chars - SNIPPET_LEAD_CHARS);
    }
  if (start != body)
    {
      g_autofree char *rest = confab_display_text (start, SNIPPET_MAX_CHARS);

      return g_strconcat ("…", rest, NULL);
    }
  return confab_display_text (body, SNIPPET_MAX_CHARS);
}

/* ---- The dialog ----------------------------------------------------------- */

struct _ConfabSearchDialog
{
  AdwWindow             parent_instance;

  ConfabAccountManager *manager;
  ConfabConversation   *scope;
  GListStore           *results;
  GtkWindow            *main_window;  /* weak */
  char                 *query;        /* of the results shown */
  guint                 search_id;

  /* template children */
  GtkSearchEntry       *search_entry;
  GtkLabel             *scope_label;
  GtkStack             *stack;
  GtkListView          *list_view;
};

G_DEFINE_FINAL_TYPE (ConfabSearchDialog, confab_search_dialog, ADW_TYPE_WINDOW)

static ConfabAccount *
account_by_row_id (ConfabAccountManager *manager,
                   gint64                account_id)
{
  GListModel *accounts = G_LIST_MODEL (manager);
  guint n = g_list_model_get_n_items (accounts);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConfabAccount) account = g_list_model_get_item (accounts, i);

      if (confab_account_get_row_id (account) == account_id)
        return account;
    }
  return NULL;
}

static char *
conversation_name (ConfabSearchDialog *self,
                   gint64              conversation_id,
                   GHashTable         *cache)
{
  ConfabHistoryStore *history = confab_account_manager_get_history_store (self->manager);
  g_autoptr(ConfabHistoryConversation) row = NULL;
  ConfabAccount *account;
  ConfabContact *contact = NULL;
  const char *name;
  char *shown;

  shown = g_hash_table_lookup (cache, &conversation_id);
  if (shown != NULL)
    return g_strdup (shown);

  row = confab_history_store_get_conversation_by_id (history, conversation_id, NULL);
  if (row == NULL)
    return g_strdup ("");
  account = account_by_row_id (self->manager, row->account_id);
  if (account != NULL)
    contact = confab_roster_model_lookup (confab_account_get_roster (account), row->peer);
  name = contact != NULL ? confab_contact_get_display_name (contact) : row->peer;
  shown = confab_display_text (name, NAME_MAX_CHARS);
  g_hash_table_insert (cache, g_memdup2 (&conversation_id, sizeof conversation_id), g_strdup (shown));
  return shown;
}

static void
run_search (ConfabSearchDialog *self)
{
  ConfabHistoryStore *history = confab_account_manager_get_history_store (self->manager);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GPtrArray) hits = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  gint64 conversation_id = 0;

  g_free (self->query);
  self->query = g_strdup (trimmed);

  if (*trimmed == '\0' || history == NULL)
    {
      g_list_store_remove_all (self->results);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  if (self->scope != NULL)
    {
      conversation_id = confab_conversation_get_conversation_id (self->scope);
      /* Nothing stored yet: nothing to find (0 would mean everywhere). */
      if (conversation_id == 0)
        {
          g_list_store_remove_all (self->results);
          gtk_stack_set_visible_child_name (self->stack, "none");
          return;
        }
    }

  messages = confab_history_store_search (history, conversation_id, trimmed,
                                          CONFAB_SEARCH_DIALOG_MAX_RESULTS, &error);
  if (messages == NULL)
    {
      g_warning ("Search failed: %s", error->message);
      g_list_store_remove_all (self->results);
      gtk_stack_set_visible_child_name (self->stack, "none");
      return;
    }

  for (guint i = 0; i < messages->len; i++)
    {
      ConfabHistoryMessage *message = g_ptr_array_index (messages, i);
      ConfabSearchHit *hit = g_object_new (CONFAB_TYPE_SEARCH_HIT, NULL);

      hit->conversation = conversation_name (self, message->conversation_id, names);
      if (message->direction == CONFAB_HISTORY_DIRECTION_OUT)
        hit->sender = g_strdup (_("You"));
      else
        hit->sender = g_strdup (hit->conversation);
      hit->message = confab_history_message_copy (message);
      g_ptr_array_add (hits, hit);
    }

  g_list_store_splice (self->results, 0, g_list_model_get_n_items (G_LIST_MODEL (self->results)),
                       hits->pdata, hits->len);
  gtk_stack_set_visible_child_name (self->stack, hits->len > 0 ? "results" : "none");
}

static gboolean
search_idle_cb (gpointer user_data)
{
  ConfabSearchDialog *self = user_data;

  self->search_id = 0;
  run_search (self);
  return G_SOURCE_REMOVE;
}

static void
on_search_entry_search_changed_cb (ConfabSearchDialog *self,
                                   GtkSearchEntry     *entry)
{
  if (self->search_id == 0)
    self->search_id = g_idle_add_full (G_PRIORITY_LOW, search_idle_cb, self, NULL);
}

static void
open_hit (ConfabSearchDialog *self,
          ConfabSearchHit    *hit)
{
  ConfabHistoryStore *history = confab_account_manager_get_history_store (self->manager);
  ConfabConversationList *list = confab_account_manager_get_conversations (self->manager);
  g_autoptr(ConfabHistoryConversation) row = NULL;
  ConfabConversation *conversation = NULL;
  ConfabAccount *account;
  GtkWindow *window = self->main_window;

  row = confab_history_store_get_conversation_by_id (history, hit->message->conversation_id, NULL);
  if (row == NULL || list == NULL)
    return;
  account = account_by_row_id (self->manager, row->account_id);
  if (account != NULL)
    conversation = confab_conversation_list_ensure (list, account, row->peer);
  if (conversation == NULL)
    return;

  if (!CONFAB_IS_WINDOW (window))
    {
      GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));

      window = NULL;
      for (GList *l = application != NULL ? gtk_application_get_windows (application) : NULL;
           l != NULL; l = l->next)
        if (CONFAB_IS_WINDOW (l->data))
          {
            window = l->data;
            break;
          }
    }
  if (window == NULL)
    return;
  confab_window_open_conversation (CONFAB_WINDOW (window), conversation, hit->message->id);
  gtk_window_present (window);
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_list_view_activate_cb (ConfabSearchDialog *self,
                          guint               position,
                          GtkListView        *list_view)
{
  g_autoptr(ConfabSearchHit) hit = g_list_model_get_item (G_LIST_MODEL (self->results), position);

  if (hit != NULL)
    open_hit (self, hit);
}

static void
on_search_entry_activate_cb (ConfabSearchDialog *self,
                             GtkSearchEntry     *entry)
{
  g_autoptr(ConfabSearchHit) hit = NULL;

  /* Enter before the delay ran: search now, then open the newest hit. */
  if (self->search_id != 0)
    {
      g_clear_handle_id (&self->search_id, g_source_remove);
      run_search (self);
    }
  hit = g_list_model_get_item (G_LIST_MODEL (self->results), 0);
  if (hit != NULL)
    open_hit (self, hit);
}

static void
on_search_entry_stop_search_cb (ConfabSearchDialog *self,
                                GtkSearchEntry     *entry)
{
  gtk_window_close (GTK_WINDOW (self));
}

/* ---- Rows ------------------------------------------------------------------ */

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *sender = gtk_label_new (NULL);
  GtkWidget *conversation = gtk_label_new (NULL);
  GtkWidget *time = gtk_label_new (NULL);
  GtkWidget *snippet = gtk_label_new (NULL);

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_label_set_xalign (GTK_LABEL (sender), 0);
  gtk_label_set_ellipsize (GTK_LABEL (sender), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (sender, "heading");
  gtk_label_set_xalign (GTK_LABEL (conversation), 0);
  gtk_label_set_ellipsize (GTK_LABEL (conversation), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (conversation, TRUE);
  gtk_widget_add_css_class (conversation, "dim-label");
  gtk_widget_add_css_class (time, "dim-label");
  gtk_widget_add_css_class (time, "caption");
  gtk_label_set_xalign (GTK_LABEL (snippet), 0);
  gtk_label_set_ellipsize (GTK_LABEL (snippet), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (snippet), TRUE);

  gtk_widget_set_name (sender, "sender");
  gtk_widget_set_name (conversation, "conversation");
  gtk_widget_set_name (time, "time");
  gtk_widget_set_name (snippet, "snippet");

  gtk_box_append (GTK_BOX (top), sender);
  gtk_box_append (GTK_BOX (top), conversation);
  gtk_box_append (GTK_BOX (top), time);
  gtk_box_append (GTK_BOX (box), top);
  gtk_box_append (GTK_BOX (box), snippet);
  gtk_list_item_set_child (item, box);
}

static char *
format_time (gint64 timestamp)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (timestamp / G_USEC_PER_SEC);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (time == NULL)
    return g_strdup ("");
  if (g_date_time_get_year (time) == g_date_time_get_year (now)
      && g_date_time_get_day_of_year (time) == g_date_time_get_day_of_year (now))
    return g_date_time_format (time, "%H:%M");
  if (g_date_time_get_year (time) == g_date_time_get_year (now))
    /* Translators: a date in this year, strftime() format. */
    return g_date_time_format (time, _("%b %-d"));
  return g_date_time_format (time, "%x");
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  ConfabSearchDialog *self = user_data;
  ConfabSearchHit *hit = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *top = gtk_widget_get_first_child (box);
  GtkWidget *sender = gtk_widget_get_first_child (top);
  GtkWidget *conversation = gtk_widget_get_next_sibling (sender);
  GtkWidget *time = gtk_widget_get_next_sibling (conversation);
  GtkWidget *snippet = gtk_widget_get_next_sibling (top);
  g_autoptr(GHashTable) words = query_words (self->query);
  g_autoptr(PangoAttrList) attrs = NULL;
  g_autofree char *text = make_snippet (hit->message->body, words);
  g_autofree char *when = format_time (hit->message->timestamp);
  g_autofree char *label = NULL;

  gtk_label_set_text (GTK_LABEL (sender), hit->sender);
  /* In a global search, say where; in one conversation it is obvious. */
  if (self->scope == NULL && hit->message->direction == CONFAB_HISTORY_DIRECTION_OUT)
    {
      /* Translators: where a message of ours was sent, e.g. "to Bob". */
      g_autofree char *where = g_strdup_printf (_("to %s"), hit->conversation);

      gtk_label_set_text (GTK_LABEL (conversation), where);
    }
  else
    gtk_label_set_text (GTK_LABEL (conversation), "");
  gtk_label_set_text (GTK_LABEL (time), when);
  gtk_label_set_text (GTK_LABEL (snippet), text);
  attrs = confab_search_highlight (text, self->query);
  gtk_label_set_attributes (GTK_LABEL (snippet), attrs);

  label = g_strdup_printf ("%s, %s: %s", hit->sender, when, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

/* ---- Life cycle ------------------------------------------------------------- */

static void
confab_search_dialog_dispose (GObject *object)
{
  ConfabSearchDialog *self = CONFAB_SEARCH_DIALOG (object);

  g_clear_handle_id (&self->search_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), CONFAB_TYPE_SEARCH_DIALOG);
  g_clear_weak_pointer (&self->main_window);
  g_clear_object (&self->results);
  g_clear_object (&self->scope);
  g_clear_object (&self->manager);
  g_clear_pointer (&self->query, g_free);

  G_OBJECT_CLASS (confab_search_dialog_parent_class)->dispose (object);
}

static void
confab_search_dialog_class_init (ConfabSearchDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = confab_search_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/im/confab/Confab/confab-search-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ConfabSearchDialog, search_entry);
  gtk_widget_class_bind_template_child (widget_class, ConfabSearchDialog, scope_label);
  gtk_widget_class_bind_template_child (widget_class, ConfabSearchDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, ConfabSearchDialog, list_view);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_list_view_activate_cb);
}

static void
confab_search_dialog_init (ConfabSearchDialog *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkNoSelection *selection;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->results = g_list_store_new (CONFAB_TYPE_SEARCH_HIT);
  selection = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->results)));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
  g_object_unref (factory);
  g_object_unref (selection);
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self));
}

GtkWindow *
confab_search_dialog_present (GtkWindow            *parent,
                              ConfabAccountManager *manager,
                              ConfabConversation   *scope)
{
  ConfabSearchDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (CONFAB_IS_ACCOUNT_MANAGER (manager), NULL);
  g_return_val_if_fail (scope == NULL || CONFAB_IS_CONVERSATION (scope), NULL);

  self = g_object_new (CONFAB_TYPE_SEARCH_DIALOG,
                       "transient-for", parent,
                       "application", parent != NULL ? gtk_window_get_application (parent) : NULL,
                       NULL);
  self->manager = g_object_ref (manager);
  g_set_weak_pointer (&self->main_window, parent);
  if (scope != NULL)
    {
      g_autofree char *name = confab_display_text (confab_conversation_get_display_name (scope),
                                                   NAME_MAX_CHARS);
      g_autofree char *label = g_strdup_printf (_("In the conversation with %s"), name);

      self->scope = g_object_ref (scope);
      gtk_label_set_text (self->scope_label, label);
      gtk_widget_set_visible (GTK_WIDGET (self->scope_label), TRUE);
      gtk_window_set_title (GTK_WINDOW (self), _("Search in Conversation"));
    }
  gtk_window_present (GTK_WINDOW (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  return GTK_WINDOW (self);
}

GListModel *
confab_search_dialog_get_results (ConfabSearchDialog *self)
{
  g_return_val_if_fail (CONFAB_IS_SEARCH_DIALOG (self), NULL);

  return G_LIST_MODEL (self->results);
}
