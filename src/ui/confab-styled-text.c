/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-styled-text.c: network text shown as text, with our own styling
 * (XEP-0393) and links as Pango attributes. */

#include "config.h"

#include <string.h>

#include "confab-message-styling.h"
#include "confab-styled-text.h"

#define LINKS_KEY "confab-styled-text-links"
#define TEXT_KEY  "confab-styled-text-text"

char *
confab_styled_text_shorten (const char *text,
                            guint       max_chars)
{
  const char *end;

  if (text == NULL)
    return g_strdup ("");
  if (!g_utf8_validate (text, -1, &end))
    return g_utf8_make_valid (text, end - text);

  end = text;
  for (guint n = 0; *end != '\0'; n++, end = g_utf8_next_char (end))
    if (n == max_chars)
      return g_strdup_printf ("%.*s…", (int) (end - text), text);
  return g_strdup (text);
}

/* Unicode TR9 §2.4–2.7. */
#define LRI 0x2066
#define RLI 0x2067
#define FSI 0x2068
#define PDI 0x2069

char *
confab_styled_text_isolate (const char *text,
                            guint       max_chars)
{
  g_autofree char *shortened = confab_styled_text_shorten (text, max_chars);
  GString *out = g_string_sized_new (strlen (shortened) + 8);
  guint open = 0;

  g_string_append_unichar (out, FSI);
  for (const char *p = shortened; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == LRI || c == RLI || c == FSI)
        open++;
      else if (c == PDI)
        {
          /* A PDI without its own initiator would close ours. */
          if (open == 0)
            continue;
          open--;
        }
      else if (c == '\n' || c == '\r' || c == '\t' || c == 0x2028 || c == 0x2029)
        c = ' ';
      g_string_append_unichar (out, c);
    }
  /* Close what the text left open, then our own isolate; the PDI also
   * ends every embedding and override inside (TR9 X6a). */
  for (; open > 0; open--)
    g_string_append_unichar (out, PDI);
  g_string_append_unichar (out, PDI);
  return g_string_free (out, FALSE);
}

static void
insert (PangoAttrList  *list,
        PangoAttribute *attribute,
        guint           start,
        guint           end)
{
  attribute->start_index = start;
  attribute->end_index = end;
  pango_attr_list_insert (list, attribute);
}

PangoAttrList *
confab_styled_text_attributes (const char *text)
{
  PangoAttrList *list = pango_attr_list_new ();
  g_autoptr(GArray) spans = confab_message_styling_parse (text, -1);
  g_autoptr(GArray) links = confab_message_styling_find_links (text, -1);
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());

  for (guint i = 0; i < spans->len; i++)
    {
      const ConfabStyleSpan *span = &g_array_index (spans, ConfabStyleSpan, i);

      switch (span->kind)
        {
        case CONFAB_STYLE_STRONG:
          insert (list, pango_attr_weight_new (PANGO_WEIGHT_BOLD), span->start, span->end);
          break;
        case CONFAB_STYLE_EMPHASIS:
          insert (list, pango_attr_style_new (PANGO_STYLE_ITALIC), span->start, span->end);
          break;
        case CONFAB_STYLE_STRIKE:
          insert (list, pango_attr_strikethrough_new (TRUE), span->start, span->end);
          break;
        case CONFAB_STYLE_PRE:
        case CONFAB_STYLE_PRE_BLOCK:
          insert (list, pango_attr_family_new ("monospace"), span->start, span->end);
          break;
        case CONFAB_STYLE_QUOTE:
          /* Quoted text recedes a little, more for deeper quotes. */
          insert (list, pango_attr_foreground_alpha_new (0xFFFF * 7 / 10), span->start, span->end);
          break;
        case CONFAB_STYLE_DIRECTIVE:
          /* XEP-0393 §6: directives stay visible, styled like their text,
           * only dimmed. */
          insert (list, pango_attr_foreground_alpha_new (0xFFFF / 2), span->start, span->end);
          break;
        case CONFAB_STYLE_LINK:
        default:
          break;
        }
    }

  for (guint i = 0; i < links->len; i++)
    {
      const ConfabStyleSpan *link = &g_array_index (links, ConfabStyleSpan, i);

      insert (list, pango_attr_underline_new (PANGO_UNDERLINE_SINGLE), link->start, link->end);
      /* libadwaita's link colors (@accent_color of the light and dark
       * styles). */
      if (dark)
        insert (list, pango_attr_foreground_new (0x7800, 0xae00, 0xed00), link->start, link->end);
      else
        insert (list, pango_attr_foreground_new (0x1c00, 0x7100, 0xd800), link->start, link->end);
    }
  return list;
}

static void
on_click_pressed_cb (GtkGestureClick *gesture,
                     int              n_press,
                     double           x,
                     double           y,
                     GtkLabel        *label)
{
  g_autofree char *uri = NULL;

  if (n_press != 1)
    return;
  uri = confab_styled_text_link_at (label, x, y);
  /* Ours, not the label's selection: a press on a link is a click. */
  if (uri != NULL)
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
on_click_released_cb (GtkGestureClick *gesture,
                      int              n_press,
                      double           x,
                      double           y,
                      GtkLabel        *label)
{
  g_autofree char *uri = NULL;

  if (n_press != 1)
    return;
  uri = confab_styled_text_link_at (label, x, y);
  if (uri != NULL)
    confab_styled_text_open_uri (GTK_WIDGET (label), uri);
}

static void
on_motion_cb (GtkEventControllerMotion *motion,
              double                    x,
              double                    y,
              GtkLabel                 *label)
{
  g_autofree char *uri = confab_styled_text_link_at (label, x, y);

  gtk_widget_set_cursor_from_name (GTK_WIDGET (label), uri != NULL ? "pointer" : NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (label), uri);
}

void
confab_styled_text_setup_label (GtkLabel *label)
{
  GtkGesture *click;
  GtkEventController *motion;

  g_return_if_fail (GTK_IS_LABEL (label));

  gtk_label_set_use_markup (label, FALSE);
  gtk_label_set_use_underline (label, FALSE);
  gtk_label_set_selectable (label, TRUE);
  gtk_label_set_wrap (label, TRUE);
  gtk_label_set_wrap_mode (label, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (label, 0.0);

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect (click, "pressed", G_CALLBACK (on_click_pressed_cb), label);
  g_signal_connect (click, "released", G_CALLBACK (on_click_released_cb), label);
  gtk_widget_add_controller (GTK_WIDGET (label), GTK_EVENT_CONTROLLER (click));

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion_cb), label);
  gtk_widget_add_controller (GTK_WIDGET (label), motion);
}

void
confab_styled_text_set_text (GtkLabel   *label,
                             const char *text)
{
  g_autofree char *shown = confab_styled_text_shorten (text, CONFAB_STYLED_TEXT_MAX_BODY);
  g_autoptr(PangoAttrList) attributes = confab_styled_text_attributes (shown);
  GArray *links = confab_message_styling_find_links (shown, -1);

  g_return_if_fail (GTK_IS_LABEL (label));

  /* Text first: set_text keeps the attributes, which must match it. */
  gtk_label_set_attributes (label, NULL);
  gtk_label_set_text (label, shown);
  gtk_label_set_attributes (label, attributes);
  g_object_set_data_full (G_OBJECT (label), LINKS_KEY, links, (GDestroyNotify) g_array_unref);
  g_object_set_data_full (G_OBJECT (label), TEXT_KEY, g_steal_pointer (&shown), g_free);
}

char *
confab_styled_text_link_at (GtkLabel *label,
                            double    x,
                            double    y)
{
  GArray *links = g_object_get_data (G_OBJECT (label), LINKS_KEY);
  const char *text = g_object_get_data (G_OBJECT (label), TEXT_KEY);
  PangoLayout *layout;
  int offset_x = 0;
  int offset_y = 0;
  int index = 0;
  int trailing = 0;

  if (links == NULL || links->len == 0 || text == NULL)
    return NULL;

  layout = gtk_label_get_layout (label);
  /* The layout holds the label's text, which is exactly ours (no markup,
   * no mnemonic). */
  if (g_strcmp0 (pango_layout_get_text (layout), text) != 0)
    return NULL;
  gtk_label_get_layout_offsets (label, &offset_x, &offset_y);
  if (!pango_layout_xy_to_index (layout,
                                 (int) ((x - offset_x) * PANGO_SCALE),
                                 (int) ((y - offset_y) * PANGO_SCALE),
                                 &index, &trailing))
    return NULL;

  for (guint i = 0; i < links->len; i++)
    {
      const ConfabStyleSpan *link = &g_array_index (links, ConfabStyleSpan, i);

      if ((guint) index >= link->start && (guint) index < link->end)
        return g_strndup (text + link->start, link->end - link->start);
    }
  return NULL;
}

static void
uri_shown_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!gtk_show_uri_full_finish (GTK_WINDOW (object), result, &error))
    g_debug ("Could not open a link: %s", error->message);
}

void
confab_styled_text_open_uri (GtkWidget  *widget,
                             const char *uri)
{
  g_autofree char *scheme = NULL;
  GtkRoot *root;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  if (!confab_message_styling_is_allowed_uri (uri))
    return;

  scheme = g_uri_parse_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "xmpp") == 0)
    {
      /* RFC 5122 actions join, subscribe or send: the application asks
       * first (issue 5, "Safety of what is shown"). */
      gtk_widget_activate_action (widget, "app.open-uri", "s", uri);
      return;
    }

  root = gtk_widget_get_root (widget);
  gtk_show_uri_full (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, uri, GDK_CURRENT_TIME,
                     NULL, uri_shown_cb, NULL);
}
