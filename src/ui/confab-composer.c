/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-composer.c: the message entry under a conversation. */

#include "config.h"

#include <glib/gi18n.h>

#include "confab-composer.h"
#include "confab-styled-text.h"

#define DRAFT_KEY "confab-composer-draft"

typedef enum {
  MODE_NEW,
  MODE_REPLY,
  MODE_CORRECT,
} ComposerMode;

struct _ConfabComposer
{
  GtkWidget           parent_instance;

  ConfabConversation *conversation;
  ConfabMessageItem  *reply_to;
  ComposerMode        mode;
  GSettings          *settings;     /* NULL when the schema lacks send-on-enter */
  gboolean            updating;     /* text set by us, not typed */

  /* template children */
  GtkRevealer        *mode_revealer;
  GtkImage           *mode_image;
  GtkLabel           *mode_title;
  GtkLabel           *mode_preview;
  GtkTextView        *text_view;
  GtkWidget          *send_button;
  GtkWidget          *emoji_button;
};

G_DEFINE_FINAL_TYPE (ConfabComposer, confab_composer, GTK_TYPE_WIDGET)

static char *
get_text (ConfabComposer *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
set_text (ConfabComposer *self,
          const char     *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);

  self->updating = TRUE;
  gtk_text_buffer_set_text (buffer, text != NULL ? text : "", -1);
  self->updating = FALSE;
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

static gboolean
send_on_enter (ConfabComposer *self)
{
  return self->settings == NULL || g_settings_get_boolean (self->settings, "send-on-enter");
}

static void
sync_mode (ConfabComposer *self)
{
  switch (self->mode)
    {
    case MODE_REPLY:
      {
        g_autofree char *preview = NULL;
        const char *body = confab_message_item_get_body (self->reply_to);

        gtk_image_set_from_icon_name (self->mode_image, "mail-reply-sender-symbolic");
        if (confab_message_item_get_direction (self->reply_to) == CONFAB_HISTORY_DIRECTION_OUT)
          gtk_label_set_text (self->mode_title, _("Replying to yourself"));
        else
          {
            g_autofree char *name = confab_styled_text_isolate (self->conversation != NULL
                                                                ? confab_conversation_get_display_name (self->conversation)
                                                                : confab_message_item_get_sender (self->reply_to),
                                                                CONFAB_STYLED_TEXT_MAX_NAME);
            g_autofree char *title = g_strdup_printf (_("Replying to %s"), name);

            gtk_label_set_text (self->mode_title, title);
          }
        preview = confab_styled_text_isolate (body != NULL ? body : "", CONFAB_STYLED_TEXT_MAX_NAME);
        gtk_label_set_text (self->mode_preview, preview);
      }
      break;
    case MODE_CORRECT:
      gtk_image_set_from_icon_name (self->mode_image, "document-edit-symbolic");
      gtk_label_set_text (self->mode_title, _("Editing message"));
      gtk_label_set_text (self->mode_preview, _("Press Escape to cancel"));
      break;
    case MODE_NEW:
    default:
      break;
    }
  gtk_revealer_set_reveal_child (self->mode_revealer, self->mode != MODE_NEW);
}

void
confab_composer_cancel (ConfabComposer *self)
{
  g_return_if_fail (CONFAB_IS_COMPOSER (self));

  if (self->mode == MODE_CORRECT)
    set_text (self, "");
  self->mode = MODE_NEW;
  g_clear_object (&self->reply_to);
  sync_mode (self);
}

gboolean
confab_composer_send (ConfabComposer *self)
{
  g_autofree char *text = NULL;
  gboolean done = FALSE;

  g_return_val_if_fail (CONFAB_IS_COMPOSER (self), FALSE);

  if (self->conversation == NULL)
    return FALSE;
  text = get_text (self);
  if (is_blank (text))
    return FALSE;

  if (self->mode == MODE_CORRECT)
    done = confab_conversation_correct_last (self->conversation, text);
  else
    {
      g_autofree char *id = confab_conversation_send (self->conversation, text,
                                                      self->mode == MODE_REPLY ? self->reply_to : NULL);

      done = id != NULL;
    }
  if (!done)
    return FALSE;

  set_text (self, "");
  self->mode = MODE_NEW;
  g_clear_object (&self->reply_to);
  sync_mode (self);
  return TRUE;
}

gboolean
confab_composer_edit_last (ConfabComposer *self)
{
  g_autoptr(ConfabMessageItem) last = NULL;

  g_return_val_if_fail (CONFAB_IS_COMPOSER (self), FALSE);

  if (self->conversation == NULL)
    return FALSE;
  last = confab_conversation_get_last_outgoing (self->conversation);
  if (last == NULL || confab_message_item_get_body (last) == NULL)
    return FALSE;

  g_clear_object (&self->reply_to);
  self->mode = MODE_CORRECT;
  set_text (self, confab_message_item_get_body (last));
  sync_mode (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
  return TRUE;
}

void
confab_composer_reply_to (ConfabComposer    *self,
                          ConfabMessageItem *item)
{
  g_return_if_fail (CONFAB_IS_COMPOSER (self));
  g_return_if_fail (CONFAB_IS_MESSAGE_ITEM (item));

  if (self->mode == MODE_CORRECT)
    set_text (self, "");
  g_set_object (&self->reply_to, item);
  self->mode = MODE_REPLY;
  sync_mode (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

static gboolean
on_key_pressed_cb (GtkEventControllerKey *controller,
                   guint                  keyval,
                   guint                  keycode,
                   GdkModifierType        state,
                   ConfabComposer        *self)
{
  GdkModifierType modifiers = state & gtk_accelerator_get_default_mod_mask ();

  switch (keyval)
    {
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
      if (send_on_enter (self) ? modifiers == 0 : modifiers == GDK_CONTROL_MASK)
        {
          confab_composer_send (self);
          return TRUE;
        }
      /* Shift+Enter (or Enter without send-on-enter): a new line. */
      return FALSE;

    case GDK_KEY_Up:
      if (modifiers == 0 && gtk_text_buffer_get_char_count (gtk_text_view_get_buffer (self->text_view)) == 0)
        return confab_composer_edit_last (self);
      return FALSE;

    case GDK_KEY_Escape:
      if (self->mode != MODE_NEW)
        {
          confab_composer_cancel (self);
          return TRUE;
        }
      return FALSE;

    default:
      return FALSE;
    }
}

static void
on_buffer_changed_cb (ConfabComposer *self,
                      GtkTextBuffer  *buffer)
{
  gboolean empty = gtk_text_buffer_get_char_count (buffer) == 0;
  g_autofree char *text = get_text (self);

  gtk_widget_set_sensitive (self->send_button, !is_blank (text));
  if (self->updating || self->conversation == NULL)
    return;
  /* XEP-0085 §5.2: composing while there is text; the conversation sends
   * "paused" by itself after a pause and "active" with the message. */
  confab_conversation_set_composing (self->conversation, !empty);
}

static void
on_send_clicked_cb (ConfabComposer *self)
{
  confab_composer_send (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

static void
on_cancel_clicked_cb (ConfabComposer *self)
{
  confab_composer_cancel (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

static void
on_emoji_picked_cb (ConfabComposer *self,
                    const char     *emoji)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);

  gtk_text_buffer_insert_at_cursor (buffer, emoji, -1);
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

/* Made on first use: a GtkEmojiChooser fills itself with every emoji
 * (thousands of labels, and the color emoji font) as soon as it exists. */
static void
create_emoji_chooser_cb (GtkMenuButton *button,
                         gpointer       user_data)
{
  ConfabComposer *self = user_data;
  GtkWidget *chooser;

  if (gtk_menu_button_get_popover (button) != NULL)
    return;
  chooser = gtk_emoji_chooser_new ();
  g_signal_connect_object (chooser, "emoji-picked", G_CALLBACK (on_emoji_picked_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_menu_button_set_popover (button, chooser);
}

static gboolean
confab_composer_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (GTK_WIDGET (CONFAB_COMPOSER (widget)->text_view));
}

static void
save_draft (ConfabComposer *self)
{
  g_autofree char *text = NULL;

  if (self->conversation == NULL)
    return;
  text = get_text (self);
  /* A correction in progress is not a draft. */
  if (self->mode == MODE_CORRECT || is_blank (text))
    g_object_set_data (G_OBJECT (self->conversation), DRAFT_KEY, NULL);
  else
    g_object_set_data_full (G_OBJECT (self->conversation), DRAFT_KEY,
                            g_steal_pointer (&text), g_free);
  confab_conversation_set_composing (self->conversation, FALSE);
}

static void
confab_composer_dispose (GObject *object)
{
  ConfabComposer *self = CONFAB_COMPOSER (object);
  GtkWidget *child;

  if (self->conversation != NULL)
    save_draft (self);
  g_clear_object (&self->conversation);
  g_clear_object (&self->reply_to);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), CONFAB_TYPE_COMPOSER);
  /* The template's top box is a plain child, not a bound one. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (confab_composer_parent_class)->dispose (object);
}

static void
confab_composer_class_init (ConfabComposerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = confab_composer_dispose;
  widget_class->grab_focus = confab_composer_grab_focus;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/im/confab/Confab/confab-composer.ui");
  gtk_widget_class_bind_template_child (widget_class, ConfabComposer, mode_revealer);
  gtk_widget_class_bind_template_child (widget_class, ConfabComposer, mode_image);
  gtk_widget_class_bind_template_child (widget_class, ConfabComposer, mode_title);
  gtk_widget_class_bind_template_child (widget_class, ConfabComposer, mode_preview);
  gtk_widget_class_bind_template_child (widget_class, ConfabComposer, text_view);
  gtk_widget_class_bind_template_child (widget_class, ConfabComposer, send_button);
  gtk_widget_class_bind_template_child (widget_class, ConfabComposer, emoji_button);
  gtk_widget_class_bind_template_callback (widget_class, on_send_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked_cb);
  gtk_widget_class_set_css_name (widget_class, "composer");
}

static void
confab_composer_init (ConfabComposer *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (self->emoji_button),
                                         create_emoji_chooser_cb, self, NULL);

  /* The preference may not exist (an older schema): Enter sends then. */
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema != NULL && g_settings_schema_has_key (schema, "send-on-enter"))
    self->settings = g_settings_new (APP_ID);

  /* Before the text view's own handling, which would insert a newline. */
  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->text_view), keys);

  g_signal_connect_object (gtk_text_view_get_buffer (self->text_view), "changed",
                           G_CALLBACK (on_buffer_changed_cb), self, G_CONNECT_SWAPPED);
}

GtkWidget *
confab_composer_new (void)
{
  return g_object_new (CONFAB_TYPE_COMPOSER, NULL);
}

void
confab_composer_set_conversation (ConfabComposer     *self,
                                  ConfabConversation *conversation)
{
  g_return_if_fail (CONFAB_IS_COMPOSER (self));
  g_return_if_fail (conversation == NULL || CONFAB_IS_CONVERSATION (conversation));

  if (self->conversation == conversation)
    return;

  save_draft (self);
  self->mode = MODE_NEW;
  g_clear_object (&self->reply_to);
  g_set_object (&self->conversation, conversation);
  set_text (self, conversation != NULL
                  ? g_object_get_data (G_OBJECT (conversation), DRAFT_KEY) : NULL);
  sync_mode (self);
}

GtkTextBuffer *
confab_composer_get_buffer (ConfabComposer *self)
{
  g_return_val_if_fail (CONFAB_IS_COMPOSER (self), NULL);

  return gtk_text_view_get_buffer (self->text_view);
}
