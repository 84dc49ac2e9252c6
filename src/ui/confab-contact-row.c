/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-contact-row.c: one contact in the contacts list.
 *
 * Copyright 2026 The Confab developers
 */

#include "config.h"

#include <glib/gi18n.h>

#include "confab-account.h"
#include "confab-avatar.h"
#include "confab-contact-row.h"

#define NAME_MAX_CHARS   80
#define STATUS_MAX_CHARS 120

struct _ConfabContactRow
{
  GtkWidget      parent_instance;

  ConfabContact *contact;
  gboolean       show_account;

  /* template children */
  GtkWidget     *box;
  ConfabAvatar  *avatar;
  GtkLabel      *name_label;
  GtkLabel      *subtitle_label;
  GtkWidget     *blocked_icon;
  GtkLabel      *presence_label;
};

G_DEFINE_FINAL_TYPE (ConfabContactRow, confab_contact_row, GTK_TYPE_WIDGET)

#define FSI "\xe2\x81\xa8"  /* U+2068 FIRST STRONG ISOLATE */
#define PDI "\xe2\x81\xa9"  /* U+2069 POP DIRECTIONAL ISOLATE */

char *
confab_display_text (const char *text,
                     guint       max_chars)
{
  g_autoptr(GString) out = NULL;
  const char *p;
  guint n = 0;

  if (text == NULL)
    return g_strdup ("");
  if (!g_utf8_validate (text, -1, NULL))
    return g_strdup ("\xef\xbf\xbd");  /* U+FFFD: never pass on invalid UTF-8 */

  out = g_string_new (FSI);
  for (p = text; *p != '\0' && n < max_chars; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      /* Controls (newlines included) would break the one-line layout; the
       * isolates themselves are what we add, so they are dropped here. */
      if (g_unichar_iscntrl (c) || c == 0x2028 || c == 0x2029)
        g_string_append_c (out, ' ');
      else
        g_string_append_unichar (out, c);
    }
  /* The ellipsis goes after the isolate, so a direction override inside
   * cannot move it. */
  g_string_append (out, PDI);
  if (*p != '\0')
    g_string_append (out, "…");
  return g_string_free (g_steal_pointer (&out), FALSE);
}

const char *
confab_presence_show_to_string (gboolean               available,
                                ConfabXmppPresenceShow show)
{
  if (!available)
    return _("Offline");
  switch (show)
    {
    case CONFAB_XMPP_PRESENCE_SHOW_AWAY:
      return _("Away");
    case CONFAB_XMPP_PRESENCE_SHOW_XA:
      return _("Away for a while");
    case CONFAB_XMPP_PRESENCE_SHOW_DND:
      return _("Busy");
    case CONFAB_XMPP_PRESENCE_SHOW_CHAT:
      return _("Free to chat");
    case CONFAB_XMPP_PRESENCE_SHOW_NONE:
    default:
      return _("Available");
    }
}

static ConfabAvatarPresence
avatar_presence (ConfabContact *contact)
{
  if (!confab_contact_get_available (contact))
    return CONFAB_AVATAR_PRESENCE_OFFLINE;
  switch (confab_contact_get_show (contact))
    {
    case CONFAB_XMPP_PRESENCE_SHOW_AWAY:
    case CONFAB_XMPP_PRESENCE_SHOW_XA:
      return CONFAB_AVATAR_PRESENCE_AWAY;
    case CONFAB_XMPP_PRESENCE_SHOW_DND:
      return CONFAB_AVATAR_PRESENCE_BUSY;
    case CONFAB_XMPP_PRESENCE_SHOW_NONE:
    case CONFAB_XMPP_PRESENCE_SHOW_CHAT:
    default:
      return CONFAB_AVATAR_PRESENCE_AVAILABLE;
    }
}

static void
confab_contact_row_update (ConfabContactRow *self)
{
  ConfabContact *contact = self->contact;
  g_autofree char *name = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *label = NULL;
  const char *status;
  const char *presence;

  if (contact == NULL)
    return;

  name = confab_display_text (confab_contact_get_display_name (contact), NAME_MAX_CHARS);
  gtk_label_set_text (self->name_label, name);
  confab_avatar_set_jid (self->avatar, confab_contact_get_jid (contact));
  confab_avatar_set_name (self->avatar, confab_contact_get_display_name (contact));
  confab_avatar_set_presence (self->avatar, avatar_presence (contact));

  status = confab_contact_get_status (contact);
  if (status != NULL && *status != '\0')
    subtitle = confab_display_text (status, STATUS_MAX_CHARS);
  else if (self->show_account && confab_contact_get_account (contact) != NULL)
    /* Translators: a contact's address, then the account it belongs to. */
    subtitle = g_strdup_printf (_("%s · %s"), confab_contact_get_jid (contact),
                                confab_jid_get_bare_string (confab_account_get_jid (confab_contact_get_account (contact))));
  else
    subtitle = g_strdup (confab_contact_get_jid (contact));
  gtk_label_set_text (self->subtitle_label, subtitle);

  presence = confab_presence_show_to_string (confab_contact_get_available (contact),
                                             confab_contact_get_show (contact));
  gtk_label_set_text (self->presence_label, presence);
  gtk_widget_set_visible (self->blocked_icon, confab_contact_get_blocked (contact));

  /* Screen readers hear the row as one sentence. */
  label = g_strdup_printf ("%s, %s", name, presence);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

static void
on_contact_notify_cb (ConfabContactRow *self,
                      GParamSpec       *pspec,
                      ConfabContact    *contact)
{
  confab_contact_row_update (self);
}

void
confab_contact_row_set_contact (ConfabContactRow *self,
                                ConfabContact    *contact,
                                gboolean          show_account)
{
  g_return_if_fail (CONFAB_IS_CONTACT_ROW (self));
  g_return_if_fail (contact == NULL || CONFAB_IS_CONTACT (contact));

  if (self->contact != NULL)
    g_signal_handlers_disconnect_by_func (self->contact, on_contact_notify_cb, self);
  g_set_object (&self->contact, contact);
  self->show_account = !!show_account;
  if (contact != NULL)
    {
      g_signal_connect_object (contact, "notify", G_CALLBACK (on_contact_notify_cb),
                               self, G_CONNECT_SWAPPED);
      confab_contact_row_update (self);
    }
}

ConfabContact *
confab_contact_row_get_contact (ConfabContactRow *self)
{
  g_return_val_if_fail (CONFAB_IS_CONTACT_ROW (self), NULL);

  return self->contact;
}

static void
confab_contact_row_dispose (GObject *object)
{
  ConfabContactRow *self = CONFAB_CONTACT_ROW (object);

  confab_contact_row_set_contact (self, NULL, FALSE);
  gtk_widget_dispose_template (GTK_WIDGET (self), CONFAB_TYPE_CONTACT_ROW);

  G_OBJECT_CLASS (confab_contact_row_parent_class)->dispose (object);
}

static void
confab_contact_row_class_init (ConfabContactRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = confab_contact_row_dispose;

  g_type_ensure (CONFAB_TYPE_AVATAR);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/im/confab/Confab/confab-contact-row.ui");
  gtk_widget_class_bind_template_child (widget_class, ConfabContactRow, box);
  gtk_widget_class_bind_template_child (widget_class, ConfabContactRow, avatar);
  gtk_widget_class_bind_template_child (widget_class, ConfabContactRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, ConfabContactRow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, ConfabContactRow, blocked_icon);
  gtk_widget_class_bind_template_child (widget_class, ConfabContactRow, presence_label);
}

static void
confab_contact_row_init (ConfabContactRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
confab_contact_row_new (void)
{
  return g_object_new (CONFAB_TYPE_CONTACT_ROW, NULL);
}
