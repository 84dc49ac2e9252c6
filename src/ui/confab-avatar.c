/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-avatar.c: initials on a XEP-0392 color, with a presence dot. */

#include "config.h"

#include <glib/gi18n.h>

#include "confab-avatar.h"
#include "confab-consistent-color.h"

struct _ConfabAvatar
{
  GtkWidget             parent_instance;

  char                 *jid;
  char                 *name;
  char                 *initials;
  int                   size;
  ConfabAvatarPresence  presence;
  GdkRGBA               color;
  PangoLayout          *layout;
};

G_DEFINE_FINAL_TYPE (ConfabAvatar, confab_avatar, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_JID,
  PROP_NAME,
  PROP_SIZE,
  PROP_PRESENCE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* g_set_str() is GLib 2.76. */
static gboolean
replace_string (char       **field,
                const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

char *
confab_avatar_compute_initials (const char *name)
{
  GString *initials = g_string_new (NULL);
  gboolean at_word = TRUE;
  guint count = 0;

  if (name == NULL)
    return g_string_free (initials, FALSE);

  /* The first letter of the first two words ("Juliet Capulet" → "JC";
   * "juliet@capulet.lit" → "J"), skipping controls and marks. */
  for (const char *p = name; *p != '\0' && count < 2; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        break;
      if (c == '@')
        break;
      if (g_unichar_isspace (c))
        {
          at_word = TRUE;
          continue;
        }
      if (at_word && g_unichar_isalnum (c))
        {
          g_string_append_unichar (initials, g_unichar_toupper (c));
          count++;
        }
      at_word = FALSE;
    }
  return g_string_free (initials, FALSE);
}

static void
confab_avatar_update (ConfabAvatar *self)
{
  ConfabRgb rgb = confab_consistent_color_for_text (self->jid != NULL ? self->jid : "",
                                                    CONFAB_COLOR_VISION_NORMAL);
  g_autofree char *label = NULL;

  self->color = (GdkRGBA) { rgb.red, rgb.green, rgb.blue, 1.0 };
  g_free (self->initials);
  self->initials = confab_avatar_compute_initials (self->name != NULL ? self->name : self->jid);
  g_clear_object (&self->layout);

  /* Screen readers hear the name, not the letters. */
  label = g_strdup (self->name != NULL ? self->name : self->jid != NULL ? self->jid : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
confab_avatar_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  ConfabAvatar *self = CONFAB_AVATAR (widget);

  *minimum = *natural = self->size;
}

static void
append_circle (GtkSnapshot     *snapshot,
               float            x,
               float            y,
               float            diameter,
               const GdkRGBA   *color)
{
  GskRoundedRect rect;

  gsk_rounded_rect_init_from_rect (&rect, &GRAPHENE_RECT_INIT (x, y, diameter, diameter),
                                   diameter / 2);
  gtk_snapshot_push_rounded_clip (snapshot, &rect);
  gtk_snapshot_append_color (snapshot, color, &GRAPHENE_RECT_INIT (x, y, diameter, diameter));
  gtk_snapshot_pop (snapshot);
}

static void
confab_avatar_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  ConfabAvatar *self = CONFAB_AVATAR (widget);
  float size = self->size;
  const GdkRGBA white = { 1, 1, 1, 1 };

  append_circle (snapshot, 0, 0, size, &self->color);

  if (self->initials != NULL && self->initials[0] != '\0')
    {
      int width, height;

      if (self->layout == NULL)
        {
          g_autoptr(PangoFontDescription) font = pango_font_description_new ();

          self->layout = gtk_widget_create_pango_layout (widget, self->initials);
          pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
          pango_font_description_set_absolute_size (font, size * 0.4 * PANGO_SCALE);
          pango_layout_set_font_description (self->layout, font);
        }
      pango_layout_get_pixel_size (self->layout, &width, &height);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((size - width) / 2, (size - height) / 2));
      gtk_snapshot_append_layout (snapshot, self->layout, &white);
      gtk_snapshot_restore (snapshot);
    }

  if (self->presence != CONFAB_AVATAR_PRESENCE_NONE)
    {
      float dot = MAX (8.0f, size * 0.3f);
      float ring = 2;
      GdkRGBA background = { 1, 1, 1, 1 };
      GdkRGBA color;

      switch (self->presence)
        {
        case CONFAB_AVATAR_PRESENCE_AVAILABLE:
          color = (GdkRGBA) { 0.20, 0.82, 0.48, 1 };   /* GNOME green 3 */
          break;
        case CONFAB_AVATAR_PRESENCE_AWAY:
          color = (GdkRGBA) { 0.96, 0.76, 0.07, 1 };   /* yellow 4 */
          break;
        case CONFAB_AVATAR_PRESENCE_BUSY:
          color = (GdkRGBA) { 0.88, 0.11, 0.14, 1 };   /* red 3 */
          break;
        case CONFAB_AVATAR_PRESENCE_OFFLINE:
        case CONFAB_AVATAR_PRESENCE_NONE:
        default:
          color = (GdkRGBA) { 0.60, 0.59, 0.57, 1 };   /* light 5 */
          break;
        }
      append_circle (snapshot, size - dot - ring, size - dot - ring, dot + 2 * ring, &background);
      append_circle (snapshot, size - dot - ring + ring, size - dot - ring + ring, dot, &color);
    }
}

static void
confab_avatar_css_changed (GtkWidget         *widget,
                           GtkCssStyleChange *change)
{
  ConfabAvatar *self = CONFAB_AVATAR (widget);

  GTK_WIDGET_CLASS (confab_avatar_parent_class)->css_changed (widget, change);
  /* The font may have changed. */
  g_clear_object (&self->layout);
}

static void
confab_avatar_finalize (GObject *object)
{
  ConfabAvatar *self = CONFAB_AVATAR (object);

  g_free (self->jid);
  g_free (self->name);
  g_free (self->initials);
  g_clear_object (&self->layout);

  G_OBJECT_CLASS (confab_avatar_parent_class)->finalize (object);
}

static void
confab_avatar_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  ConfabAvatar *self = CONFAB_AVATAR (object);

  switch (prop_id)
    {
    case PROP_JID:
      g_value_set_string (value, self->jid);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_SIZE:
      g_value_set_int (value, self->size);
      break;
    case PROP_PRESENCE:
      g_value_set_int (value, self->presence);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_avatar_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  ConfabAvatar *self = CONFAB_AVATAR (object);

  switch (prop_id)
    {
    case PROP_JID:
      confab_avatar_set_jid (self, g_value_get_string (value));
      break;
    case PROP_NAME:
      confab_avatar_set_name (self, g_value_get_string (value));
      break;
    case PROP_SIZE:
      self->size = g_value_get_int (value);
      g_clear_object (&self->layout);
      gtk_widget_queue_resize (GTK_WIDGET (self));
      break;
    case PROP_PRESENCE:
      confab_avatar_set_presence (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_avatar_class_init (ConfabAvatarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = confab_avatar_finalize;
  object_class->get_property = confab_avatar_get_property;
  object_class->set_property = confab_avatar_set_property;

  widget_class->measure = confab_avatar_measure;
  widget_class->snapshot = confab_avatar_snapshot;
  widget_class->css_changed = confab_avatar_css_changed;

  properties[PROP_JID] =
    g_param_spec_string ("jid", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SIZE] =
    g_param_spec_int ("size", NULL, NULL, 8, 512, 40,
                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  properties[PROP_PRESENCE] =
    g_param_spec_int ("presence", NULL, NULL,
                      CONFAB_AVATAR_PRESENCE_NONE, CONFAB_AVATAR_PRESENCE_BUSY,
                      CONFAB_AVATAR_PRESENCE_NONE,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "confab-avatar");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
confab_avatar_init (ConfabAvatar *self)
{
  self->size = 40;
  confab_avatar_update (self);
}

GtkWidget *
confab_avatar_new (int size)
{
  return g_object_new (CONFAB_TYPE_AVATAR, "size", size, NULL);
}

void
confab_avatar_set_jid (ConfabAvatar *self,
                       const char   *jid)
{
  g_return_if_fail (CONFAB_IS_AVATAR (self));

  if (replace_string (&self->jid, jid))
    {
      confab_avatar_update (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_JID]);
    }
}

void
confab_avatar_set_name (ConfabAvatar *self,
                        const char   *name)
{
  g_return_if_fail (CONFAB_IS_AVATAR (self));

  if (replace_string (&self->name, name))
    {
      confab_avatar_update (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
    }
}

void
confab_avatar_set_presence (ConfabAvatar         *self,
                            ConfabAvatarPresence  presence)
{
  g_return_if_fail (CONFAB_IS_AVATAR (self));

  if (self->presence == presence)
    return;
  self->presence = presence;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRESENCE]);
}

ConfabAvatarPresence
confab_avatar_get_presence (ConfabAvatar *self)
{
  g_return_val_if_fail (CONFAB_IS_AVATAR (self), CONFAB_AVATAR_PRESENCE_NONE);

  return self->presence;
}
