/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-xmpp-presence.h"
#include "xep-0115-caps.h"

#include "confab-xmpp-error.h"
#include "confab-xmpp-iq.h"

#include <string.h>

#define NS_MUC_USER "http://jabber.org/protocol/muc#user"

/* ---- Enumerations ----------------------------------------------------------- */

static const char * const type_names[] = {
  [CONFAB_XMPP_PRESENCE_TYPE_AVAILABLE] = NULL,
  [CONFAB_XMPP_PRESENCE_TYPE_UNAVAILABLE] = "unavailable",
  [CONFAB_XMPP_PRESENCE_TYPE_SUBSCRIBE] = "subscribe",
  [CONFAB_XMPP_PRESENCE_TYPE_SUBSCRIBED] = "subscribed",
  [CONFAB_XMPP_PRESENCE_TYPE_UNSUBSCRIBE] = "unsubscribe",
  [CONFAB_XMPP_PRESENCE_TYPE_UNSUBSCRIBED] = "unsubscribed",
  [CONFAB_XMPP_PRESENCE_TYPE_PROBE] = "probe",
  [CONFAB_XMPP_PRESENCE_TYPE_ERROR] = "error",
};

static const char * const show_names[] = {
  [CONFAB_XMPP_PRESENCE_SHOW_NONE] = NULL,
  [CONFAB_XMPP_PRESENCE_SHOW_AWAY] = "away",
  [CONFAB_XMPP_PRESENCE_SHOW_CHAT] = "chat",
  [CONFAB_XMPP_PRESENCE_SHOW_DND] = "dnd",
  [CONFAB_XMPP_PRESENCE_SHOW_XA] = "xa",
};

GType
confab_xmpp_presence_type_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { CONFAB_XMPP_PRESENCE_TYPE_AVAILABLE, "CONFAB_XMPP_PRESENCE_TYPE_AVAILABLE", "available" },
        { CONFAB_XMPP_PRESENCE_TYPE_UNAVAILABLE, "CONFAB_XMPP_PRESENCE_TYPE_UNAVAILABLE", "unavailable" },
        { CONFAB_XMPP_PRESENCE_TYPE_SUBSCRIBE, "CONFAB_XMPP_PRESENCE_TYPE_SUBSCRIBE", "subscribe" },
        { CONFAB_XMPP_PRESENCE_TYPE_SUBSCRIBED, "CONFAB_XMPP_PRESENCE_TYPE_SUBSCRIBED", "subscribed" },
        { CONFAB_XMPP_PRESENCE_TYPE_UNSUBSCRIBE, "CONFAB_XMPP_PRESENCE_TYPE_UNSUBSCRIBE", "unsubscribe" },
        { CONFAB_XMPP_PRESENCE_TYPE_UNSUBSCRIBED, "CONFAB_XMPP_PRESENCE_TYPE_UNSUBSCRIBED", "unsubscribed" },
        { CONFAB_XMPP_PRESENCE_TYPE_PROBE, "CONFAB_XMPP_PRESENCE_TYPE_PROBE", "probe" },
        { CONFAB_XMPP_PRESENCE_TYPE_ERROR, "CONFAB_XMPP_PRESENCE_TYPE_ERROR", "error" },
        { 0, NULL, NULL },
      };
      GType type = g_enum_register_static (g_intern_static_string ("ConfabXmppPresenceType"),
                                           values);

      g_once_init_leave (&type_id, type);
    }
  return type_id;
}

GType
confab_xmpp_presence_show_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { CONFAB_XMPP_PRESENCE_SHOW_NONE, "CONFAB_XMPP_PRESENCE_SHOW_NONE", "none" },
        { CONFAB_XMPP_PRESENCE_SHOW_AWAY, "CONFAB_XMPP_PRESENCE_SHOW_AWAY", "away" },
        { CONFAB_XMPP_PRESENCE_SHOW_CHAT, "CONFAB_XMPP_PRESENCE_SHOW_CHAT", "chat" },
        { CONFAB_XMPP_PRESENCE_SHOW_DND, "CONFAB_XMPP_PRESENCE_SHOW_DND", "dnd" },
        { CONFAB_XMPP_PRESENCE_SHOW_XA, "CONFAB_XMPP_PRESENCE_SHOW_XA", "xa" },
        { 0, NULL, NULL },
      };
      GType type = g_enum_register_static (g_intern_static_string ("ConfabXmppPresenceShow"),
                                           values);

      g_once_init_leave (&type_id, type);
    }
  return type_id;
}

const char *
confab_xmpp_presence_show_to_string (ConfabXmppPresenceShow show)
{
  g_return_val_if_fail ((guint) show < G_N_ELEMENTS (show_names), NULL);

  return show_names[show];
}

gboolean
confab_xmpp_presence_show_from_string (const char             *text,
                                       ConfabXmppPresenceShow *show)
{
  if (text == NULL)
    return FALSE;
  for (guint i = 1; i < G_N_ELEMENTS (show_names); i++)
    if (g_str_equal (text, show_names[i]))
      {
        if (show != NULL)
          *show = i;
        return TRUE;
      }
  return FALSE;
}

/* ---- Presence info ---------------------------------------------------------- */

struct _ConfabXmppPresenceInfo {
  gatomicrefcount         ref_count;
  ConfabJid              *jid;
  gboolean                available;
  ConfabXmppPresenceShow  show;
  char                   *status;
  int                     priority;
  ConfabXmppNode         *node;
  guint64                 serial;    /* arrival order, for the tie-break */
};

G_DEFINE_BOXED_TYPE (ConfabXmppPresenceInfo, confab_xmpp_presence_info,
                     confab_xmpp_presence_info_ref, confab_xmpp_presence_info_unref)

static ConfabXmppPresenceInfo *
info_new (ConfabJid              *jid,
          gboolean                available,
          ConfabXmppPresenceShow  show,
          const char             *status,
          int                     priority,
          ConfabXmppNode         *node)
{
  ConfabXmppPresenceInfo *info = g_new0 (ConfabXmppPresenceInfo, 1);

  g_atomic_ref_count_init (&info->ref_count);
  info->jid = confab_jid_ref (jid);
  info->available = available;
  info->show = show;
  info->status = g_strdup (status);
  info->priority = priority;
  info->node = node != NULL ? confab_xmpp_node_ref (node) : NULL;
  return info;
}

ConfabXmppPresenceInfo *
confab_xmpp_presence_info_ref (ConfabXmppPresenceInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);

  g_atomic_ref_count_inc (&info->ref_count);
  return info;
}

void
confab_xmpp_presence_info_unref (ConfabXmppPresenceInfo *info)
{
  g_return_if_fail (info != NULL);

  if (!g_atomic_ref_count_dec (&info->ref_count))
    return;
  confab_jid_unref (info->jid);
  g_free (info->status);
  g_clear_pointer (&info->node, confab_xmpp_node_unref);
  g_free (info);
}

ConfabJid *
confab_xmpp_presence_info_get_jid (ConfabXmppPresenceInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);
  return info->jid;
}

gboolean
confab_xmpp_presence_info_get_available (ConfabXmppPresenceInfo *info)
{
  g_return_val_if_fail (info != NULL, FALSE);
  return info->available;
}

ConfabXmppPresenceShow
confab_xmpp_presence_info_get_show (ConfabXmppPresenceInfo *info)
{
  g_return_val_if_fail (info != NULL, CONFAB_XMPP_PRESENCE_SHOW_NONE);
  return info->show;
}

const char *
confab_xmpp_presence_info_get_status (ConfabXmppPresenceInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);
  return info->status;
}

int
confab_xmpp_presence_info_get_priority (ConfabXmppPresenceInfo *info)
{
  g_return_val_if_fail (info != NULL, 0);
  return info->priority;
}

ConfabXmppNode *
confab_xmpp_presence_info_get_node (ConfabXmppPresenceInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);
  return info->node;
}

/* ---- Parsing ---------------------------------------------------------------- */

gboolean
confab_xmpp_presence_parse_type (ConfabXmppNode          *stanza,
                                 ConfabXmppPresenceType  *type,
                                 GError                 **error)
{
  const char *text;

  g_return_val_if_fail (stanza != NULL, FALSE);

  if (!confab_xmpp_node_is (stanza, "presence", CONFAB_XMPP_NS_CLIENT))
    {
      g_set_error_literal (error, CONFAB_XMPP_STANZA_ERROR, CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST,
                           "Not a presence stanza");
      return FALSE;
    }

  /* RFC 6121 §4.7.1: no 'type' means available. */
  text = confab_xmpp_node_get_attr (stanza, "type");
  if (text == NULL)
    {
      if (type != NULL)
        *type = CONFAB_XMPP_PRESENCE_TYPE_AVAILABLE;
      return TRUE;
    }
  for (guint i = 1; i < G_N_ELEMENTS (type_names); i++)
    if (g_str_equal (text, type_names[i]))
      {
        if (type != NULL)
          *type = i;
        return TRUE;
      }

  g_set_error (error, CONFAB_XMPP_STANZA_ERROR, CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST,
               "Unknown presence type");
  return FALSE;
}

/* A copy of @text cut to fewer than @max_bytes bytes at a character
 * boundary (the parser guarantees valid UTF-8). */
static char *
bounded_strdup (const char *text,
                gsize       max_bytes)
{
  const char *end;

  if (strlen (text) < max_bytes)
    return g_strdup (text);
  end = g_utf8_find_prev_char (text, text + max_bytes);
  return g_strndup (text, end != NULL ? (gsize) (end - text) : 0);
}

/* RFC 6121 §4.7.2.3: an integer from -128 to +127 (xs:byte, so surrounding
 * whitespace is allowed). Out-of-range values are clamped rather than
 * dropped; text that is not a number counts as absent (0). */
static int
parse_priority (const char *text)
{
  g_autofree char *copy = NULL;
  char *end = NULL;
  gint64 value;

  if (text == NULL)
    return 0;
  copy = g_strstrip (g_strdup (text));
  if (*copy == '\0')
    return 0;
  value = g_ascii_strtoll (copy, &end, 10);
  if (end == copy || *end != '\0')
    return 0;
  /* On overflow strtoll saturates, which clamps just the same. */
  return (int) CLAMP (value, -128, 127);
}

/* RFC 6121 §4.7.2.2: several <status/> may differ in xml:lang; prefer one
 * without a language (the stream's default), else the first. */
static const char *
pick_status (ConfabXmppNode *stanza)
{
  const char *first = NULL;

  for (ConfabXmppNode *child = confab_xmpp_node_get_first_child (stanza);
       child != NULL;
       child = confab_xmpp_node_get_next_sibling (child))
    {
      if (!confab_xmpp_node_is (child, "status", CONFAB_XMPP_NS_CLIENT))
        continue;
      if (confab_xmpp_node_get_attr (child, "xml:lang") == NULL)
        return confab_xmpp_node_get_text (child);
      if (first == NULL)
        first = confab_xmpp_node_get_text (child);
    }
  return first;
}

ConfabXmppPresenceInfo *
confab_xmpp_presence_info_parse (ConfabXmppNode  *stanza,
                                 GError         **error)
{
  ConfabXmppPresenceType type;
  ConfabXmppPresenceShow show = CONFAB_XMPP_PRESENCE_SHOW_NONE;
  g_autoptr(ConfabJid) jid = NULL;
  g_autofree char *status = NULL;
  const char *text;
  int priority;

  g_return_val_if_fail (stanza != NULL, NULL);

  if (!confab_xmpp_presence_parse_type (stanza, &type, error))
    return NULL;
  if (type != CONFAB_XMPP_PRESENCE_TYPE_AVAILABLE && type != CONFAB_XMPP_PRESENCE_TYPE_UNAVAILABLE)
    {
      g_set_error_literal (error, CONFAB_XMPP_STANZA_ERROR, CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST,
                           "Not an availability presence");
      return NULL;
    }

  text = confab_xmpp_node_get_attr (stanza, "from");
  if (text == NULL || (jid = confab_jid_parse (text, NULL)) == NULL)
    {
      g_set_error_literal (error, CONFAB_XMPP_STANZA_ERROR, CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST,
                           text == NULL ? "Presence without a sender" : "Presence with an invalid sender");
      return NULL;
    }

  /* RFC 6121 §4.7.2.1: only four values are defined. An unknown one is a
   * schema violation the server should have stopped; the resource is still
   * available, so ignore the sub-state rather than the presence. */
  text = confab_xmpp_node_get_child_text (stanza, "show", CONFAB_XMPP_NS_CLIENT);
  if (type == CONFAB_XMPP_PRESENCE_TYPE_AVAILABLE && text != NULL)
    {
      g_autofree char *copy = g_strstrip (g_strdup (text));

      if (!confab_xmpp_presence_show_from_string (copy, &show))
        show = CONFAB_XMPP_PRESENCE_SHOW_NONE;
    }

  text = pick_status (stanza);
  if (text != NULL && *text != '\0')
    status = bounded_strdup (text, CONFAB_XMPP_PRESENCE_MAX_STATUS_BYTES);

  priority = parse_priority (confab_xmpp_node_get_child_text (stanza, "priority", CONFAB_XMPP_NS_CLIENT));

  return info_new (jid, type == CONFAB_XMPP_PRESENCE_TYPE_AVAILABLE, show, status,
                   type == CONFAB_XMPP_PRESENCE_TYPE_AVAILABLE ? priority : 0, stanza);
}

const char *
confab_xmpp_presence_get_nick (ConfabXmppNode *stanza)
{
  const char *nick;

  g_return_val_if_fail (stanza != NULL, NULL);

  nick = confab_xmpp_node_get_child_text (stanza, "nick", CONFAB_XMPP_NS_NICK);
  return nick != NULL && *nick != '\0' ? nick : NULL;
}

ConfabXmppNode *
confab_xmpp_presence_new_stanza (ConfabXmppPresenceType  type,
                                 ConfabJid              *to,
                                 ConfabXmppPresenceShow  show,
                                 const char             *status,
                                 int                     priority)
{
  ConfabXmppNode *stanza;

  g_return_val_if_fail ((guint) type < G_N_ELEMENTS (type_names), NULL);
  g_return_val_if_fail ((guint) show < G_N_ELEMENTS (show_names), NULL);

  stanza = confab_xmpp_node_new ("presence", CONFAB_XMPP_NS_CLIENT);
  if (type_names[type] != NULL)
    confab_xmpp_node_set_attr (stanza, "type", type_names[type]);
  if (to != NULL)
    confab_xmpp_node_set_attr (stanza, "to", confab_jid_to_string (to));
  if (type == CONFAB_XMPP_PRESENCE_TYPE_AVAILABLE)
    {
      /* RFC 6121 §4.7.2: show and priority only mean something when
       * available. */
      if (show_names[show] != NULL)
        confab_xmpp_node_set_text (confab_xmpp_node_add_child (stanza, "show", NULL), show_names[show]);
    }
  if (status != NULL && *status != '\0')
    confab_xmpp_node_set_text (confab_xmpp_node_add_child (stanza, "status", NULL), status);
  if (type == CONFAB_XMPP_PRESENCE_TYPE_AVAILABLE && priority != 0)
    {
      char text[8];

      g_snprintf (text, sizeof text, "%d", CLAMP (priority, -128, 127));
      confab_xmpp_node_set_text (confab_xmpp_node_add_child (stanza, "priority", NULL), text);
    }
  return stanza;
}

/* ---- The module ------------------------------------------------------------- */

struct _ConfabXmppPresence {
  GObject           parent_instance;

  ConfabXmppStream *stream;     /* not owned: set between attach and detach */
  /* Bare JID string → GPtrArray of ConfabXmppPresenceInfo, one per
   * available resource. Bounded per contact and in total. */
  GHashTable       *contacts;
  guint             n_resources;
  guint64           next_serial;
};

static void confab_xmpp_presence_module_init (ConfabXmppModuleInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConfabXmppPresence, confab_xmpp_presence, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONFAB_TYPE_XMPP_MODULE,
                                                      confab_xmpp_presence_module_init))

enum {
  PRESENCE_CHANGED,
  SUBSCRIPTION_REQUESTED,
  SUBSCRIPTION_CHANGED,
  PRESENCE_ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
emit_changed (ConfabXmppPresence     *self,
              ConfabXmppPresenceInfo *info)
{
  g_signal_emit (self, signals[PRESENCE_CHANGED], 0, info);
}

/* Records an available resource; FALSE when the table is full. */
static gboolean
table_set_available (ConfabXmppPresence     *self,
                     ConfabXmppPresenceInfo *info)
{
  const char *bare = confab_jid_get_bare_string (info->jid);
  GPtrArray *resources = g_hash_table_lookup (self->contacts, bare);

  info->serial = ++self->next_serial;
  if (resources != NULL)
    for (guint i = 0; i < resources->len; i++)
      {
        ConfabXmppPresenceInfo *known = g_ptr_array_index (resources, i);

        if (confab_jid_equal (known->jid, info->jid))
          {
            resources->pdata[i] = confab_xmpp_presence_info_ref (info);
            confab_xmpp_presence_info_unref (known);
            return TRUE;
          }
      }

  /* A hostile server could announce endless resources; past the bounds,
   * new ones are ignored (known ones still update). */
  if ((resources != NULL && resources->len >= CONFAB_XMPP_PRESENCE_MAX_RESOURCES)
      || self->n_resources >= CONFAB_XMPP_PRESENCE_MAX_TOTAL_RESOURCES)
    {
      g_debug ("Ignoring presence from %s: too many resources", confab_jid_to_string (info->jid));
      return FALSE;
    }
  if (resources == NULL)
    {
      resources = g_ptr_array_new_with_free_func ((GDestroyNotify) confab_xmpp_presence_info_unref);
      g_hash_table_insert (self->contacts, g_strdup (bare), resources);
    }
  g_ptr_array_add (resources, confab_xmpp_presence_info_ref (info));
  self->n_resources++;
  return TRUE;
}

/* Removes @jid (a full JID: that resource; a bare JID: all of them) and
 * returns the removed entries. */
static GPtrArray *
table_remove (ConfabXmppPresence *self,
              ConfabJid          *jid)
{
  const char *bare = confab_jid_get_bare_string (jid);
  GPtrArray *resources = g_hash_table_lookup (self->contacts, bare);
  GPtrArray *removed = g_ptr_array_new_with_free_func ((GDestroyNotify) confab_xmpp_presence_info_unref);

  if (resources == NULL)
    return removed;
  for (guint i = resources->len; i > 0; i--)
    {
      ConfabXmppPresenceInfo *known = g_ptr_array_index (resources, i - 1);

      if (confab_jid_is_bare (jid) || confab_jid_equal (known->jid, jid))
        {
          g_ptr_array_add (removed, g_ptr_array_steal_index (resources, i - 1));
          self->n_resources--;
        }
    }
  if (resources->len == 0)
    g_hash_table_remove (self->contacts, bare);
  return removed;
}

static ConfabJid *
own_jid (ConfabXmppStream *stream)
{
  ConfabJid *bound = confab_xmpp_stream_get_bound_jid (stream);

  return bound != NULL ? bound : confab_xmpp_stream_get_jid (stream);
}

static void
handle_availability (ConfabXmppPresence *self,
                     ConfabXmppNode     *stanza)
{
  g_autoptr(ConfabXmppPresenceInfo) info = NULL;
  g_autoptr(GPtrArray) removed = NULL;
  g_autoptr(GError) error = NULL;

  /* Occupant presence of a multi-user chat belongs to the MUC module and
   * would only fill the table with room members. */
  if (confab_xmpp_node_get_child (stanza, "x", NS_MUC_USER) != NULL)
    return;

  info = confab_xmpp_presence_info_parse (stanza, &error);
  if (info == NULL)
    {
      g_debug ("Dropping a presence: %s", error->message);
      return;
    }

  /* RFC 6121 §4.4.2: the server reflects our own broadcast back to us;
   * it says nothing about anyone else. Our other resources stay visible. */
  if (self->stream != NULL && confab_jid_equal (info->jid, own_jid (self->stream)))
    return;

  if (info->available)
    {
      if (table_set_available (self, info))
        emit_changed (self, info);
      return;
    }

  /* RFC 6121 §4.5.2 and §4.5.3: unavailable from a full JID ends that
   * resource; from a bare JID (e.g. after a subscription ended) it covers
   * every resource of the contact. */
  removed = table_remove (self, info->jid);
  if (removed->len == 0 || !confab_jid_is_bare (info->jid))
    {
      emit_changed (self, info);
      return;
    }
  for (guint i = 0; i < removed->len; i++)
    {
      ConfabXmppPresenceInfo *gone = g_ptr_array_index (removed, i);
      g_autoptr(ConfabXmppPresenceInfo) event = info_new (gone->jid, FALSE,
                                                          CONFAB_XMPP_PRESENCE_SHOW_NONE,
                                                          info->status, 0, stanza);

      emit_changed (self, event);
    }
}

static void
on_stanza_received (ConfabXmppStream *stream,
                    ConfabXmppNode   *stanza,
                    gpointer          user_data)
{
  ConfabXmppPresence *self = user_data;
  ConfabXmppPresenceType type;
  const char *from;
  g_autoptr(ConfabJid) jid = NULL;
  g_autoptr(ConfabJid) bare = NULL;

  g_assert (CONFAB_IS_XMPP_PRESENCE (self));

  if (!confab_xmpp_node_is (stanza, "presence", CONFAB_XMPP_NS_CLIENT))
    return;
  if (!confab_xmpp_presence_parse_type (stanza, &type, NULL))
    {
      g_debug ("Dropping a presence of unknown type");
      return;
    }

  from = confab_xmpp_node_get_attr (stanza, "from");
  if (from != NULL && (jid = confab_jid_parse (from, NULL)) == NULL)
    {
      g_debug ("Dropping a presence with an invalid sender");
      return;
    }

  if (type == CONFAB_XMPP_PRESENCE_TYPE_ERROR)
    {
      g_autoptr(GError) error = confab_xmpp_stanza_get_error (stanza);

      /* No 'from' is the own account (RFC 6120 §8.1.2.1). */
      g_signal_emit (self, signals[PRESENCE_ERROR], 0, jid, error);
      return;
    }

  /* Everything else names a contact; without a sender there is none. */
  if (jid == NULL)
    {
      g_debug ("Dropping a presence without a sender");
      return;
    }

  switch (type)
    {
    case CONFAB_XMPP_PRESENCE_TYPE_AVAILABLE:
    case CONFAB_XMPP_PRESENCE_TYPE_UNAVAILABLE:
      handle_availability (self, stanza);
      break;

    case CONFAB_XMPP_PRESENCE_TYPE_SUBSCRIBE:
      {
        /* RFC 6121 §3.1.3: the request is from the contact's bare JID (the
         * server stamps it so); the user decides. The status and nick are
         * the requester's words, shown as plain text. */
        const char *status = pick_status (stanza);
        g_autofree char *bounded = NULL;
        g_autofree char *nick = NULL;

        if (status != NULL && *status != '\0')
          bounded = bounded_strdup (status, CONFAB_XMPP_PRESENCE_MAX_STATUS_BYTES);
        if (confab_xmpp_presence_get_nick (stanza) != NULL)
          nick = bounded_strdup (confab_xmpp_presence_get_nick (stanza),
                                 CONFAB_XMPP_PRESENCE_MAX_STATUS_BYTES);
        bare = confab_jid_get_bare (jid);
        g_signal_emit (self, signals[SUBSCRIPTION_REQUESTED], 0, bare, bounded, nick);
      }
      break;

    case CONFAB_XMPP_PRESENCE_TYPE_SUBSCRIBED:    /* §3.1.6: our request was approved */
    case CONFAB_XMPP_PRESENCE_TYPE_UNSUBSCRIBED:  /* §3.2.3: denied or cancelled */
    case CONFAB_XMPP_PRESENCE_TYPE_UNSUBSCRIBE:   /* §3.3.3: the contact unsubscribed */
      bare = confab_jid_get_bare (jid);
      g_signal_emit (self, signals[SUBSCRIPTION_CHANGED], 0, bare, type);
      break;

    case CONFAB_XMPP_PRESENCE_TYPE_PROBE:
      /* RFC 6121 §4.3: probes are the server's business. */
      break;

    case CONFAB_XMPP_PRESENCE_TYPE_ERROR:
    default:
      g_assert_not_reached ();
    }
}

/* The session is gone: we no longer know who is online, so every known
 * resource goes unavailable. */
static void
clear_table (ConfabXmppPresence *self)
{
  g_autoptr(GHashTable) contacts = NULL;
  GHashTableIter iter;
  GPtrArray *resources;

  if (g_hash_table_size (self->contacts) == 0)
    return;

  contacts = g_steal_pointer (&self->contacts);
  self->contacts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) g_ptr_array_unref);
  self->n_resources = 0;

  g_hash_table_iter_init (&iter, contacts);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &resources))
    for (guint i = 0; i < resources->len; i++)
      {
        ConfabXmppPresenceInfo *known = g_ptr_array_index (resources, i);
        g_autoptr(ConfabXmppPresenceInfo) event = info_new (known->jid, FALSE,
                                                            CONFAB_XMPP_PRESENCE_SHOW_NONE,
                                                            NULL, 0, NULL);

        emit_changed (self, event);
      }
}

static void
on_closed (ConfabXmppStream *stream,
           const GError     *error,
           gpointer          user_data)
{
  ConfabXmppPresence *self = user_data;

  g_assert (CONFAB_IS_XMPP_PRESENCE (self));
  clear_table (self);
}

static void
on_session_started (ConfabXmppStream *stream,
                    gboolean          resumed,
                    gpointer          user_data)
{
  ConfabXmppPresence *self = user_data;

  g_assert (CONFAB_IS_XMPP_PRESENCE (self));

  /* A new session starts from nothing (the server sends current presence
   * after our initial presence, RFC 6121 §4.2.2); a resumed one keeps what
   * we knew. */
  if (!resumed)
    clear_table (self);
}

static int
compare_best_first (gconstpointer a,
                    gconstpointer b)
{
  const ConfabXmppPresenceInfo *x = *(ConfabXmppPresenceInfo * const *) a;
  const ConfabXmppPresenceInfo *y = *(ConfabXmppPresenceInfo * const *) b;

  if (x->priority != y->priority)
    return x->priority > y->priority ? -1 : 1;
  if (x->serial != y->serial)
    return x->serial > y->serial ? -1 : 1;
  return 0;
}

GPtrArray *
confab_xmpp_presence_get_resources (ConfabXmppPresence *self,
                                    ConfabJid          *bare)
{
  GPtrArray *resources;
  GPtrArray *copy;

  g_return_val_if_fail (CONFAB_IS_XMPP_PRESENCE (self), NULL);
  g_return_val_if_fail (bare != NULL, NULL);

  copy = g_ptr_array_new_with_free_func ((GDestroyNotify) confab_xmpp_presence_info_unref);
  resources = g_hash_table_lookup (self->contacts, confab_jid_get_bare_string (bare));
  for (guint i = 0; resources != NULL && i < resources->len; i++)
    g_ptr_array_add (copy, confab_xmpp_presence_info_ref (g_ptr_array_index (resources, i)));
  g_ptr_array_sort (copy, compare_best_first);
  return copy;
}

ConfabXmppPresenceInfo *
confab_xmpp_presence_get_best_resource (ConfabXmppPresence *self,
                                        ConfabJid          *bare)
{
  GPtrArray *resources;
  ConfabXmppPresenceInfo *best = NULL;

  g_return_val_if_fail (CONFAB_IS_XMPP_PRESENCE (self), NULL);
  g_return_val_if_fail (bare != NULL, NULL);

  /* RFC 6121 §8.5.2.1.1: the highest priority wins; among equals the
   * server may pick, and the most recently active resource is the best
   * guess of where the contact is. */
  resources = g_hash_table_lookup (self->contacts, confab_jid_get_bare_string (bare));
  for (guint i = 0; resources != NULL && i < resources->len; i++)
    {
      ConfabXmppPresenceInfo *info = g_ptr_array_index (resources, i);

      if (best == NULL || compare_best_first (&info, &best) < 0)
        best = info;
    }
  return best != NULL ? confab_xmpp_presence_info_ref (best) : NULL;
}

/* ---- Sending ---------------------------------------------------------------- */

static void
send_stanza (ConfabXmppPresence     *self,
             ConfabXmppPresenceType  type,
             ConfabJid              *to,
             ConfabXmppPresenceShow  show,
             const char             *status,
             int                     priority)
{
  g_autoptr(ConfabXmppNode) stanza = confab_xmpp_presence_new_stanza (type, to, show, status, priority);
  ConfabXmppModule *caps = confab_xmpp_stream_get_module (self->stream, CONFAB_TYPE_XEP_CAPS);

  /* XEP-0115 §4 / XEP-0390 §3: available presence says what we can do. */
  if (caps != NULL && type == CONFAB_XMPP_PRESENCE_TYPE_AVAILABLE)
    confab_xep_caps_decorate_presence (CONFAB_XEP_CAPS (caps), stanza);
  confab_xmpp_stream_send (self->stream, stanza);
}

void
confab_xmpp_presence_send_available (ConfabXmppPresence     *self,
                                     ConfabXmppPresenceShow  show,
                                     const char             *status,
                                     int                     priority)
{
  g_return_if_fail (CONFAB_IS_XMPP_PRESENCE (self));
  g_return_if_fail (self->stream != NULL);
  g_return_if_fail ((guint) show < G_N_ELEMENTS (show_names));

  send_stanza (self, CONFAB_XMPP_PRESENCE_TYPE_AVAILABLE, NULL, show, status, priority);
}

void
confab_xmpp_presence_send_unavailable (ConfabXmppPresence *self,
                                       const char         *status)
{
  g_return_if_fail (CONFAB_IS_XMPP_PRESENCE (self));
  g_return_if_fail (self->stream != NULL);

  send_stanza (self, CONFAB_XMPP_PRESENCE_TYPE_UNAVAILABLE, NULL,
               CONFAB_XMPP_PRESENCE_SHOW_NONE, status, 0);
}

void
confab_xmpp_presence_send_directed (ConfabXmppPresence     *self,
                                    ConfabJid              *to,
                                    gboolean                available,
                                    ConfabXmppPresenceShow  show,
                                    const char             *status,
                                    int                     priority)
{
  g_return_if_fail (CONFAB_IS_XMPP_PRESENCE (self));
  g_return_if_fail (self->stream != NULL);
  g_return_if_fail (to != NULL);
  g_return_if_fail ((guint) show < G_N_ELEMENTS (show_names));

  send_stanza (self, available ? CONFAB_XMPP_PRESENCE_TYPE_AVAILABLE
                               : CONFAB_XMPP_PRESENCE_TYPE_UNAVAILABLE,
               to, show, status, priority);
}

static void
send_subscription (ConfabXmppPresence     *self,
                   ConfabXmppPresenceType  type,
                   ConfabJid              *jid,
                   const char             *status,
                   const char             *nick)
{
  g_autoptr(ConfabJid) bare = confab_jid_get_bare (jid);
  g_autoptr(ConfabXmppNode) stanza = NULL;

  /* RFC 6121 §3.1.1, §3.1.4, §3.2.1, §3.3.1: subscription stanzas go to
   * the contact's bare JID. */
  stanza = confab_xmpp_presence_new_stanza (type, bare, CONFAB_XMPP_PRESENCE_SHOW_NONE, status, 0);
  if (nick != NULL && *nick != '\0')
    confab_xmpp_node_set_text (confab_xmpp_node_add_child (stanza, "nick", CONFAB_XMPP_NS_NICK), nick);
  confab_xmpp_stream_send (self->stream, stanza);
}

void
confab_xmpp_presence_subscribe (ConfabXmppPresence *self,
                                ConfabJid          *jid,
                                const char         *status,
                                const char         *nick)
{
  g_return_if_fail (CONFAB_IS_XMPP_PRESENCE (self));
  g_return_if_fail (self->stream != NULL);
  g_return_if_fail (jid != NULL);

  send_subscription (self, CONFAB_XMPP_PRESENCE_TYPE_SUBSCRIBE, jid, status, nick);
}

void
confab_xmpp_presence_approve (ConfabXmppPresence *self,
                              ConfabJid          *jid)
{
  g_return_if_fail (CONFAB_IS_XMPP_PRESENCE (self));
  g_return_if_fail (self->stream != NULL);
  g_return_if_fail (jid != NULL);

  send_subscription (self, CONFAB_XMPP_PRESENCE_TYPE_SUBSCRIBED, jid, NULL, NULL);
}

void
confab_xmpp_presence_deny (ConfabXmppPresence *self,
                           ConfabJid          *jid)
{
  g_return_if_fail (CONFAB_IS_XMPP_PRESENCE (self));
  g_return_if_fail (self->stream != NULL);
  g_return_if_fail (jid != NULL);

  send_subscription (self, CONFAB_XMPP_PRESENCE_TYPE_UNSUBSCRIBED, jid, NULL, NULL);
}

void
confab_xmpp_presence_cancel (ConfabXmppPresence *self,
                             ConfabJid          *jid)
{
  g_return_if_fail (CONFAB_IS_XMPP_PRESENCE (self));
  g_return_if_fail (self->stream != NULL);
  g_return_if_fail (jid != NULL);

  /* §3.2.1: cancelling is the same stanza as denying, sent later. */
  send_subscription (self, CONFAB_XMPP_PRESENCE_TYPE_UNSUBSCRIBED, jid, NULL, NULL);
}

void
confab_xmpp_presence_unsubscribe (ConfabXmppPresence *self,
                                  ConfabJid          *jid)
{
  g_return_if_fail (CONFAB_IS_XMPP_PRESENCE (self));
  g_return_if_fail (self->stream != NULL);
  g_return_if_fail (jid != NULL);

  send_subscription (self, CONFAB_XMPP_PRESENCE_TYPE_UNSUBSCRIBE, jid, NULL, NULL);
}

void
confab_xmpp_presence_preapprove (ConfabXmppPresence *self,
                                 ConfabJid          *jid)
{
  g_return_if_fail (CONFAB_IS_XMPP_PRESENCE (self));
  g_return_if_fail (self->stream != NULL);
  g_return_if_fail (jid != NULL);

  /* §3.4.1: a 'subscribed' with no request pending is a pre-approval. */
  send_subscription (self, CONFAB_XMPP_PRESENCE_TYPE_SUBSCRIBED, jid, NULL, NULL);
}

/* ---- Module plumbing -------------------------------------------------------- */

static void
confab_xmpp_presence_attach (ConfabXmppModule *module,
                             ConfabXmppStream *stream)
{
  ConfabXmppPresence *self = CONFAB_XMPP_PRESENCE (module);

  g_return_if_fail (self->stream == NULL);

  self->stream = stream;
  g_signal_connect_object (stream, "stanza-received", G_CALLBACK (on_stanza_received), self, 0);
  g_signal_connect_object (stream, "session-started", G_CALLBACK (on_session_started), self, 0);
  g_signal_connect_object (stream, "closed", G_CALLBACK (on_closed), self, 0);
}

static void
confab_xmpp_presence_detach (ConfabXmppModule *module,
                             ConfabXmppStream *stream)
{
  ConfabXmppPresence *self = CONFAB_XMPP_PRESENCE (module);

  g_return_if_fail (self->stream == stream);

  g_signal_handlers_disconnect_by_data (stream, self);
  self->stream = NULL;
  clear_table (self);
}

static void
confab_xmpp_presence_module_init (ConfabXmppModuleInterface *iface)
{
  iface->attach = confab_xmpp_presence_attach;
  iface->detach = confab_xmpp_presence_detach;
}

static void
confab_xmpp_presence_dispose (GObject *object)
{
  ConfabXmppPresence *self = CONFAB_XMPP_PRESENCE (object);

  if (self->stream != NULL)
    confab_xmpp_presence_detach (CONFAB_XMPP_MODULE (self), self->stream);
  G_OBJECT_CLASS (confab_xmpp_presence_parent_class)->dispose (object);
}

static void
confab_xmpp_presence_finalize (GObject *object)
{
  ConfabXmppPresence *self = CONFAB_XMPP_PRESENCE (object);

  g_hash_table_unref (self->contacts);
  G_OBJECT_CLASS (confab_xmpp_presence_parent_class)->finalize (object);
}

static void
confab_xmpp_presence_class_init (ConfabXmppPresenceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = confab_xmpp_presence_dispose;
  object_class->finalize = confab_xmpp_presence_finalize;

  /**
   * ConfabXmppPresence::presence-changed:
   * @info: the resource's availability (a full JID), or a whole contact's
   *   unavailability when the JID is bare
   *
   * Emitted when a contact's resource becomes available, changes, or goes
   * unavailable, including every known resource when the stream closes.
   */
  signals[PRESENCE_CHANGED] =
    g_signal_new ("presence-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  CONFAB_TYPE_XMPP_PRESENCE_INFO | G_SIGNAL_TYPE_STATIC_SCOPE);
  /**
   * ConfabXmppPresence::subscription-requested:
   * @jid: the bare JID asking for our presence
   * @status: (nullable): the requester's message
   * @nick: (nullable): the requester's nickname (XEP-0172)
   *
   * RFC 6121 §3.1.3: answer with approve() or deny().
   */
  signals[SUBSCRIPTION_REQUESTED] =
    g_signal_new ("subscription-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  CONFAB_TYPE_JID | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
  /**
   * ConfabXmppPresence::subscription-changed:
   * @jid: the contact's bare JID
   * @type: SUBSCRIBED (our request was approved), UNSUBSCRIBED (denied or
   *   cancelled) or UNSUBSCRIBE (the contact stopped receiving ours)
   */
  signals[SUBSCRIPTION_CHANGED] =
    g_signal_new ("subscription-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  CONFAB_TYPE_JID | G_SIGNAL_TYPE_STATIC_SCOPE,
                  CONFAB_TYPE_XMPP_PRESENCE_TYPE);
  /**
   * ConfabXmppPresence::presence-error:
   * @jid: (nullable): the sender of the error (NULL: our own account)
   * @error: a CONFAB_XMPP_STANZA_ERROR
   *
   * A presence of type error (RFC 6121 §4.7.1), e.g. a subscription request
   * to a contact that does not exist.
   */
  signals[PRESENCE_ERROR] =
    g_signal_new ("presence-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  CONFAB_TYPE_JID | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
confab_xmpp_presence_init (ConfabXmppPresence *self)
{
  self->contacts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) g_ptr_array_unref);
}

ConfabXmppPresence *
confab_xmpp_presence_new (void)
{
  return g_object_new (CONFAB_TYPE_XMPP_PRESENCE, NULL);
}
