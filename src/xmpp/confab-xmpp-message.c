/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-xmpp-message.h"

#include "confab-xmpp-error.h"
#include "confab-xmpp-iq.h"

#include <string.h>
#if defined(__linux__)
#include <sys/random.h>
#endif

/* XEP-0280 namespace, only to recognise carbon wrappers (which are never
 * messages in their own right, see handle_stanza()). */
#define NS_CARBONS "urn:xmpp:carbons:2"

/* ---- Enum types ----------------------------------------------------------- */

#define DEFINE_ENUM_TYPE(TypeName, type_name, ...)                            \
  GType                                                                       \
  type_name##_get_type (void)                                                 \
  {                                                                           \
    static gsize type_id = 0;                                                 \
    static const GEnumValue values[] = { __VA_ARGS__, { 0, NULL, NULL } };    \
    if (g_once_init_enter (&type_id))                                         \
      g_once_init_leave (&type_id, g_enum_register_static (#TypeName, values)); \
    return type_id;                                                           \
  }

DEFINE_ENUM_TYPE (ConfabXmppMessageType, confab_xmpp_message_type,
                  { CONFAB_XMPP_MESSAGE_TYPE_NORMAL, "CONFAB_XMPP_MESSAGE_TYPE_NORMAL", "normal" },
                  { CONFAB_XMPP_MESSAGE_TYPE_CHAT, "CONFAB_XMPP_MESSAGE_TYPE_CHAT", "chat" },
                  { CONFAB_XMPP_MESSAGE_TYPE_GROUPCHAT, "CONFAB_XMPP_MESSAGE_TYPE_GROUPCHAT", "groupchat" },
                  { CONFAB_XMPP_MESSAGE_TYPE_HEADLINE, "CONFAB_XMPP_MESSAGE_TYPE_HEADLINE", "headline" },
                  { CONFAB_XMPP_MESSAGE_TYPE_ERROR, "CONFAB_XMPP_MESSAGE_TYPE_ERROR", "error" })

DEFINE_ENUM_TYPE (ConfabXmppChatState, confab_xmpp_chat_state,
                  { CONFAB_XMPP_CHAT_STATE_NONE, "CONFAB_XMPP_CHAT_STATE_NONE", "none" },
                  { CONFAB_XMPP_CHAT_STATE_ACTIVE, "CONFAB_XMPP_CHAT_STATE_ACTIVE", "active" },
                  { CONFAB_XMPP_CHAT_STATE_COMPOSING, "CONFAB_XMPP_CHAT_STATE_COMPOSING", "composing" },
                  { CONFAB_XMPP_CHAT_STATE_PAUSED, "CONFAB_XMPP_CHAT_STATE_PAUSED", "paused" },
                  { CONFAB_XMPP_CHAT_STATE_INACTIVE, "CONFAB_XMPP_CHAT_STATE_INACTIVE", "inactive" },
                  { CONFAB_XMPP_CHAT_STATE_GONE, "CONFAB_XMPP_CHAT_STATE_GONE", "gone" })

DEFINE_ENUM_TYPE (ConfabXmppMarker, confab_xmpp_marker,
                  { CONFAB_XMPP_MARKER_NONE, "CONFAB_XMPP_MARKER_NONE", "none" },
                  { CONFAB_XMPP_MARKER_RECEIVED, "CONFAB_XMPP_MARKER_RECEIVED", "received" },
                  { CONFAB_XMPP_MARKER_DISPLAYED, "CONFAB_XMPP_MARKER_DISPLAYED", "displayed" },
                  { CONFAB_XMPP_MARKER_ACKNOWLEDGED, "CONFAB_XMPP_MARKER_ACKNOWLEDGED", "acknowledged" })

static const char * const chat_state_names[] = {
  [CONFAB_XMPP_CHAT_STATE_ACTIVE] = "active",
  [CONFAB_XMPP_CHAT_STATE_COMPOSING] = "composing",
  [CONFAB_XMPP_CHAT_STATE_PAUSED] = "paused",
  [CONFAB_XMPP_CHAT_STATE_INACTIVE] = "inactive",
  [CONFAB_XMPP_CHAT_STATE_GONE] = "gone",
};

static const char * const marker_names[] = {
  [CONFAB_XMPP_MARKER_RECEIVED] = "received",
  [CONFAB_XMPP_MARKER_DISPLAYED] = "displayed",
  [CONFAB_XMPP_MARKER_ACKNOWLEDGED] = "acknowledged",
};

/* ---- The parsed message --------------------------------------------------- */

struct _ConfabXmppMessage {
  gatomicrefcount        ref_count;
  ConfabXmppNode        *stanza;
  ConfabJid             *from;
  ConfabJid             *to;
  ConfabXmppMessageType  type;
  char                  *id;
  char                  *thread;
  char                  *thread_parent;
  char                  *body;
  char                  *body_lang;
  char                  *display_body;
  char                  *subject;
  char                  *origin_id;
  char                  *stanza_id;
  GDateTime             *delay;
  ConfabJid             *delay_from;
  gboolean               receipt_requested;
  char                  *receipt_id;
  ConfabXmppChatState    chat_state;
  gboolean               markable;
  ConfabXmppMarker       marker;
  char                  *marker_id;
  char                  *replace_id;
  char                  *retract_id;
  char                  *reply_id;
  ConfabJid             *reply_to;
  char                  *reactions_id;
  GStrv                  reactions;
  GError                *error;
  gboolean               store_hint;
  gboolean               no_store_hint;
};

G_DEFINE_BOXED_TYPE (ConfabXmppMessage, confab_xmpp_message,
                     confab_xmpp_message_ref, confab_xmpp_message_unref)

ConfabXmppMessage *
confab_xmpp_message_ref (ConfabXmppMessage *message)
{
  g_return_val_if_fail (message != NULL, NULL);

  g_atomic_ref_count_inc (&message->ref_count);
  return message;
}

void
confab_xmpp_message_unref (ConfabXmppMessage *message)
{
  g_return_if_fail (message != NULL);

  if (!g_atomic_ref_count_dec (&message->ref_count))
    return;
  g_clear_pointer (&message->stanza, confab_xmpp_node_unref);
  g_clear_pointer (&message->from, confab_jid_unref);
  g_clear_pointer (&message->to, confab_jid_unref);
  g_free (message->id);
  g_free (message->thread);
  g_free (message->thread_parent);
  g_free (message->body);
  g_free (message->body_lang);
  g_free (message->display_body);
  g_free (message->subject);
  g_free (message->origin_id);
  g_free (message->stanza_id);
  g_clear_pointer (&message->delay, g_date_time_unref);
  g_clear_pointer (&message->delay_from, confab_jid_unref);
  g_free (message->receipt_id);
  g_free (message->marker_id);
  g_free (message->replace_id);
  g_free (message->retract_id);
  g_free (message->reply_id);
  g_clear_pointer (&message->reply_to, confab_jid_unref);
  g_free (message->reactions_id);
  g_strfreev (message->reactions);
  g_clear_error (&message->error);
  g_free (message);
}

/* An id attribute we are willing to keep: present, non-empty and bounded. */
static const char *
valid_id (const char *id)
{
  if (id == NULL || *id == '\0' || strlen (id) > CONFAB_XMPP_MESSAGE_MAX_ID_LEN)
    return NULL;
  return id;
}

static const char *
child_id (ConfabXmppNode *stanza,
          const char     *name,
          const char     *ns)
{
  ConfabXmppNode *child = confab_xmpp_node_get_child (stanza, name, ns);

  return child != NULL ? valid_id (confab_xmpp_node_get_attr (child, "id")) : NULL;
}

/* RFC 6121 §5.2.3: the language of a <body/> or <subject/> is its own
 * xml:lang, else the one it inherits from the message. */
static const char *
effective_lang (ConfabXmppNode *child,
                const char     *message_lang)
{
  const char *lang = confab_xmpp_node_get_attr (child, "xml:lang");

  return lang != NULL ? lang : message_lang;
}

static gboolean
primary_subtag_equal (const char *a,
                      const char *b)
{
  gsize la = strcspn (a, "-");
  gsize lb = strcspn (b, "-");

  return la == lb && la > 0 && g_ascii_strncasecmp (a, b, la) == 0;
}

/* See confab_xmpp_message_parse_with_lang() for the order of preference. */
static ConfabXmppNode *
pick_by_lang (ConfabXmppNode *stanza,
              const char     *name,
              const char     *lang)
{
  const char *message_lang = confab_xmpp_node_get_attr (stanza, "xml:lang");
  ConfabXmppNode *exact = NULL, *primary = NULL, *unmarked = NULL, *first = NULL;

  for (ConfabXmppNode *child = confab_xmpp_node_get_first_child (stanza);
       child != NULL;
       child = confab_xmpp_node_get_next_sibling (child))
    {
      const char *child_lang;

      if (!confab_xmpp_node_is (child, name, CONFAB_XMPP_NS_CLIENT))
        continue;
      child_lang = effective_lang (child, message_lang);
      if (first == NULL)
        first = child;
      if (unmarked == NULL && confab_xmpp_node_get_attr (child, "xml:lang") == NULL)
        unmarked = child;
      if (lang != NULL && child_lang != NULL)
        {
          if (exact == NULL && g_ascii_strcasecmp (child_lang, lang) == 0)
            exact = child;
          if (primary == NULL && primary_subtag_equal (child_lang, lang))
            primary = child;
        }
    }
  if (exact != NULL)
    return exact;
  if (primary != NULL)
    return primary;
  if (unmarked != NULL)
    return unmarked;
  return first;
}

/* XEP-0082 §3.2 DateTime: CCYY-MM-DDThh:mm:ss[.sss]TZD with TZD = Z or
 * (+|-)hh:mm. GLib's ISO 8601 parser accepts much more (week dates, no
 * zone meaning local time), so the shape is checked here first. */
static gboolean
is_xep0082_datetime (const char *s)
{
  static const char shape[] = "dddd-dd-ddTdd:dd:dd";
  gsize i;

  for (i = 0; shape[i] != '\0'; i++)
    {
      if (shape[i] == 'd' ? !g_ascii_isdigit (s[i]) : s[i] != shape[i])
        return FALSE;
    }
  s += i;
  if (*s == '.')
    {
      gsize digits = 0;

      for (s++; g_ascii_isdigit (*s); s++)
        digits++;
      if (digits == 0 || digits > 9)
        return FALSE;
    }
  if (s[0] == 'Z' && s[1] == '\0')
    return TRUE;
  return (s[0] == '+' || s[0] == '-')
         && g_ascii_isdigit (s[1]) && g_ascii_isdigit (s[2]) && s[3] == ':'
         && g_ascii_isdigit (s[4]) && g_ascii_isdigit (s[5]) && s[6] == '\0';
}

static GDateTime *
parse_stamp (const char *stamp)
{
  g_autoptr(GTimeZone) utc = NULL;

  if (stamp == NULL || !is_xep0082_datetime (stamp))
    return NULL;
  utc = g_time_zone_new_utc ();
  return g_date_time_new_from_iso8601 (stamp, utc);
}

/* A decimal attribute without sign, spaces or leading junk. */
static gboolean
parse_index (const char *text,
             guint      *out)
{
  guint64 value;

  if (text == NULL || !g_ascii_isdigit (*text) || strlen (text) > 9)
    return FALSE;
  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT32, &value, NULL))
    return FALSE;
  *out = (guint) value;
  return TRUE;
}

typedef struct {
  guint start;
  guint end;
} Range;

static int
compare_ranges (gconstpointer a,
                gconstpointer b)
{
  const Range *x = a, *y = b;

  return (x->start > y->start) - (x->start < y->start);
}

gboolean
confab_xmpp_strip_fallback_ranges (const char  *text,
                                   const guint *ranges,
                                   gsize        n_ranges,
                                   char       **result)
{
  g_autofree Range *sorted = NULL;
  g_autoptr(GString) out = NULL;
  glong length;
  const char *p;
  guint cp = 0;
  gsize r = 0;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  *result = NULL;
  if (!g_utf8_validate (text, -1, NULL))
    return FALSE;
  /* XEP-0426 §3: positions count Unicode code points, not bytes or UTF-16
   * units, so every index lands on a character boundary by construction. */
  length = g_utf8_strlen (text, -1);
  sorted = g_new0 (Range, MAX (n_ranges, 1));
  for (gsize i = 0; i < n_ranges; i++)
    {
      guint start = ranges[2 * i], end = ranges[2 * i + 1];

      if (start > end || (glong) end > length)
        return FALSE;
      sorted[i].start = start;
      sorted[i].end = end;
    }
  qsort (sorted, n_ranges, sizeof (Range), compare_ranges);

  out = g_string_sized_new (strlen (text));
  for (p = text; *p != '\0'; p = g_utf8_next_char (p), cp++)
    {
      gboolean inside = FALSE;

      /* Ranges sorted by start; skip those that ended, test the rest that
       * already began (overlaps remove their union). */
      while (r < n_ranges && sorted[r].end <= cp)
        r++;
      for (gsize k = r; k < n_ranges && sorted[k].start <= cp; k++)
        if (cp < sorted[k].end)
          {
            inside = TRUE;
            break;
          }
      if (!inside)
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
    }
  *result = g_string_free (g_steal_pointer (&out), FALSE);
  return TRUE;
}

/* Whether @stanza uses the feature a fallback is declared 'for': only then
 * do we understand what the fallback text stands in for. */
static gboolean
uses_feature (ConfabXmppMessage *message,
              const char        *ns)
{
  if (g_strcmp0 (ns, CONFAB_XMPP_NS_REPLY) == 0)
    return message->reply_id != NULL;
  if (g_strcmp0 (ns, CONFAB_XMPP_NS_REACTIONS) == 0)
    return message->reactions_id != NULL;
  if (g_strcmp0 (ns, CONFAB_XMPP_NS_CORRECT) == 0)
    return message->replace_id != NULL;
  if (g_strcmp0 (ns, CONFAB_XMPP_NS_RETRACT) == 0)
    return message->retract_id != NULL;
  return FALSE;
}

/* XEP-0428 §4 (0.2): <fallback for='ns'> with <body start end/> children
 * marks those parts of the body; without any <body/> or <subject/> child
 * the whole body is fallback. */
static void
compute_display_body (ConfabXmppMessage *message,
                      ConfabXmppNode    *stanza)
{
  g_autoptr(GArray) ranges = g_array_new (FALSE, FALSE, sizeof (guint));
  gboolean whole = FALSE;

  if (message->body == NULL)
    return;
  for (ConfabXmppNode *fb = confab_xmpp_node_get_first_child (stanza);
       fb != NULL;
       fb = confab_xmpp_node_get_next_sibling (fb))
    {
      gboolean has_parts = FALSE;

      if (!confab_xmpp_node_is (fb, "fallback", CONFAB_XMPP_NS_FALLBACK)
          || !uses_feature (message, confab_xmpp_node_get_attr (fb, "for")))
        continue;
      for (ConfabXmppNode *part = confab_xmpp_node_get_first_child (fb);
           part != NULL;
           part = confab_xmpp_node_get_next_sibling (part))
        {
          guint start, end;

          if (!confab_xmpp_node_is (part, "body", CONFAB_XMPP_NS_FALLBACK)
              && !confab_xmpp_node_is (part, "subject", CONFAB_XMPP_NS_FALLBACK))
            continue;
          has_parts = TRUE;
          if (confab_xmpp_node_is (part, "subject", CONFAB_XMPP_NS_FALLBACK))
            continue;  /* ranges in the subject do not touch the body */
          /* Both missing: the whole body; one missing is malformed. */
          if (confab_xmpp_node_get_attr (part, "start") == NULL
              && confab_xmpp_node_get_attr (part, "end") == NULL)
            {
              whole = TRUE;
              continue;
            }
          if (!parse_index (confab_xmpp_node_get_attr (part, "start"), &start)
              || !parse_index (confab_xmpp_node_get_attr (part, "end"), &end))
            {
              g_debug ("Ignoring a malformed fallback range");
              message->display_body = g_strdup (message->body);
              return;
            }
          /* Bounded: a hostile message cannot make us keep a huge array. */
          if (ranges->len >= 2 * 256)
            {
              message->display_body = g_strdup (message->body);
              return;
            }
          g_array_append_val (ranges, start);
          g_array_append_val (ranges, end);
        }
      if (!has_parts)
        whole = TRUE;
    }

  if (whole)
    return;  /* display_body stays NULL: nothing but fallback */
  if (ranges->len == 0
      || !confab_xmpp_strip_fallback_ranges (message->body, (const guint *) ranges->data,
                                             ranges->len / 2, &message->display_body))
    {
      if (ranges->len > 0)
        g_debug ("Ignoring out-of-bounds fallback ranges");
      message->display_body = g_strdup (message->body);
    }
}

/* XEP-0444: each reaction SHOULD be a single emoji grapheme cluster. We do
 * not carry Unicode's emoji tables in the protocol layer; instead we accept
 * short strings (≤ 32 bytes fits any single emoji including ZWJ sequences
 * and skin tones) without control characters, and leave rendering to the
 * UI. Duplicates are removed and the count bounded. */
static gboolean
acceptable_reaction (const char *text)
{
  gsize len = strlen (text);

  if (len == 0 || len > CONFAB_XMPP_MESSAGE_MAX_REACTION_LEN || !g_utf8_validate (text, len, NULL))
    return FALSE;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) || g_unichar_isspace (c))
        return FALSE;
    }
  return TRUE;
}

static void
parse_reactions (ConfabXmppMessage *message,
                 ConfabXmppNode    *reactions)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new ();
  const char *id = valid_id (confab_xmpp_node_get_attr (reactions, "id"));

  if (id == NULL)
    return;
  for (ConfabXmppNode *child = confab_xmpp_node_get_first_child (reactions);
       child != NULL && list->len < CONFAB_XMPP_MESSAGE_MAX_REACTIONS;
       child = confab_xmpp_node_get_next_sibling (child))
    {
      const char *text;
      gboolean duplicate = FALSE;

      if (!confab_xmpp_node_is (child, "reaction", CONFAB_XMPP_NS_REACTIONS))
        continue;
      text = confab_xmpp_node_get_text (child);
      if (!acceptable_reaction (text))
        continue;
      for (guint i = 0; i < list->len && !duplicate; i++)
        duplicate = g_str_equal (g_ptr_array_index (list, i), text);
      if (!duplicate)
        g_ptr_array_add (list, g_strdup (text));
    }
  g_ptr_array_add (list, NULL);
  message->reactions_id = g_strdup (id);
  message->reactions = (GStrv) g_ptr_array_free (g_steal_pointer (&list), FALSE);
}

/* XEP-0359 §6: a stanza-id is only meaningful from the entity named in
 * 'by', and only an archive we trust may be believed: our own server (by
 * our bare JID) or the room for groupchat. Anyone else can put any
 * stanza-id into a message they send. */
static void
parse_stanza_id (ConfabXmppMessage *message,
                 ConfabXmppNode    *stanza,
                 ConfabJid         *own_jid)
{
  g_autoptr(ConfabJid) trusted = NULL;
  const char *found = NULL;

  if (message->type == CONFAB_XMPP_MESSAGE_TYPE_GROUPCHAT)
    trusted = confab_jid_get_bare (message->from);
  else if (own_jid != NULL)
    trusted = confab_jid_get_bare (own_jid);
  if (trusted == NULL)
    return;

  for (ConfabXmppNode *child = confab_xmpp_node_get_first_child (stanza);
       child != NULL;
       child = confab_xmpp_node_get_next_sibling (child))
    {
      g_autoptr(ConfabJid) by = NULL;
      const char *id;

      if (!confab_xmpp_node_is (child, "stanza-id", CONFAB_XMPP_NS_SID))
        continue;
      id = valid_id (confab_xmpp_node_get_attr (child, "id"));
      by = confab_jid_parse (confab_xmpp_node_get_attr (child, "by") ?: "", NULL);
      if (id == NULL || by == NULL || !confab_jid_equal (by, trusted))
        continue;
      if (found != NULL && !g_str_equal (found, id))
        {
          g_debug ("Two stanza-ids claim to be from %s; trusting neither",
                   confab_jid_to_string (trusted));
          return;
        }
      found = id;
    }
  message->stanza_id = g_strdup (found);
}

static ConfabXmppMessageType
parse_type (const char *type)
{
  /* RFC 6121 §5.2.2: absent or not understood means normal. */
  if (g_strcmp0 (type, "chat") == 0)
    return CONFAB_XMPP_MESSAGE_TYPE_CHAT;
  if (g_strcmp0 (type, "groupchat") == 0)
    return CONFAB_XMPP_MESSAGE_TYPE_GROUPCHAT;
  if (g_strcmp0 (type, "headline") == 0)
    return CONFAB_XMPP_MESSAGE_TYPE_HEADLINE;
  if (g_strcmp0 (type, "error") == 0)
    return CONFAB_XMPP_MESSAGE_TYPE_ERROR;
  return CONFAB_XMPP_MESSAGE_TYPE_NORMAL;
}

ConfabXmppMessage *
confab_xmpp_message_parse (ConfabXmppNode  *stanza,
                           ConfabJid       *own_jid,
                           GError         **error)
{
  return confab_xmpp_message_parse_with_lang (stanza, own_jid, NULL, error);
}

ConfabXmppMessage *
confab_xmpp_message_parse_with_lang (ConfabXmppNode  *stanza,
                                     ConfabJid       *own_jid,
                                     const char      *lang,
                                     GError         **error)
{
  g_autoptr(ConfabXmppMessage) message = NULL;
  const char *from, *to;
  ConfabXmppNode *child;

  g_return_val_if_fail (stanza != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!confab_xmpp_node_is (stanza, "message", CONFAB_XMPP_NS_CLIENT))
    {
      g_set_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL,
                   "Not a message stanza");
      return NULL;
    }

  message = g_new0 (ConfabXmppMessage, 1);
  g_atomic_ref_count_init (&message->ref_count);
  message->stanza = confab_xmpp_node_ref (stanza);

  from = confab_xmpp_node_get_attr (stanza, "from");
  to = confab_xmpp_node_get_attr (stanza, "to");
  if (from != NULL)
    {
      message->from = confab_jid_parse (from, error);
      if (message->from == NULL)
        return NULL;
    }
  else if (own_jid != NULL)
    {
      /* RFC 6120 §8.1.2.1: no 'from' means the user's own account. */
      message->from = confab_jid_get_bare (own_jid);
    }
  else
    {
      g_set_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_INVALID_JID,
                   "Message without 'from' and no own JID to assume");
      return NULL;
    }
  if (to != NULL)
    {
      message->to = confab_jid_parse (to, error);
      if (message->to == NULL)
        return NULL;
    }

  message->type = parse_type (confab_xmpp_node_get_attr (stanza, "type"));
  message->id = g_strdup (valid_id (confab_xmpp_node_get_attr (stanza, "id")));

  /* RFC 6121 §5.2.5 and XEP-0201 §4: the thread and its parent. */
  child = confab_xmpp_node_get_child (stanza, "thread", CONFAB_XMPP_NS_CLIENT);
  if (child != NULL && valid_id (confab_xmpp_node_get_text (child)) != NULL)
    {
      message->thread = g_strdup (confab_xmpp_node_get_text (child));
      message->thread_parent = g_strdup (valid_id (confab_xmpp_node_get_attr (child, "parent")));
    }

  child = pick_by_lang (stanza, "body", lang);
  if (child != NULL)
    {
      message->body = g_strdup (confab_xmpp_node_get_text (child));
      message->body_lang = g_strdup (confab_xmpp_node_get_attr (child, "xml:lang"));
    }
  child = pick_by_lang (stanza, "subject", lang);
  if (child != NULL)
    message->subject = g_strdup (confab_xmpp_node_get_text (child));

  message->origin_id = g_strdup (child_id (stanza, "origin-id", CONFAB_XMPP_NS_SID));
  parse_stanza_id (message, stanza, own_jid);

  /* XEP-0203 §3: the first delay with a valid stamp. */
  for (child = confab_xmpp_node_get_first_child (stanza);
       child != NULL && message->delay == NULL;
       child = confab_xmpp_node_get_next_sibling (child))
    {
      if (!confab_xmpp_node_is (child, "delay", CONFAB_XMPP_NS_DELAY))
        continue;
      message->delay = parse_stamp (confab_xmpp_node_get_attr (child, "stamp"));
      if (message->delay != NULL && confab_xmpp_node_get_attr (child, "from") != NULL)
        message->delay_from = confab_jid_parse (confab_xmpp_node_get_attr (child, "from"), NULL);
    }

  /* XEP-0184 §5: a request, or an acknowledgement of an id. */
  message->receipt_requested =
    confab_xmpp_node_get_child (stanza, "request", CONFAB_XMPP_NS_RECEIPTS) != NULL;
  message->receipt_id = g_strdup (child_id (stanza, "received", CONFAB_XMPP_NS_RECEIPTS));

  /* XEP-0085 §5.1: at most one state; the first one counts. XEP-0333 §3:
   * likewise one marker. */
  for (child = confab_xmpp_node_get_first_child (stanza);
       child != NULL;
       child = confab_xmpp_node_get_next_sibling (child))
    {
      const char *ns = confab_xmpp_node_get_ns (child);
      const char *name = confab_xmpp_node_get_name (child);

      if (g_strcmp0 (ns, CONFAB_XMPP_NS_CHATSTATES) == 0
          && message->chat_state == CONFAB_XMPP_CHAT_STATE_NONE)
        {
          for (guint i = 1; i < G_N_ELEMENTS (chat_state_names); i++)
            if (g_str_equal (name, chat_state_names[i]))
              message->chat_state = i;
        }
      else if (g_strcmp0 (ns, CONFAB_XMPP_NS_MARKERS) == 0)
        {
          if (g_str_equal (name, "markable"))
            message->markable = TRUE;
          else if (message->marker == CONFAB_XMPP_MARKER_NONE)
            {
              const char *id = valid_id (confab_xmpp_node_get_attr (child, "id"));

              for (guint i = 1; i < G_N_ELEMENTS (marker_names) && id != NULL; i++)
                if (g_str_equal (name, marker_names[i]))
                  {
                    message->marker = i;
                    message->marker_id = g_strdup (id);
                  }
            }
        }
      else if (g_strcmp0 (ns, CONFAB_XMPP_NS_HINTS) == 0)
        {
          if (g_str_equal (name, "store"))
            message->store_hint = TRUE;
          else if (g_str_equal (name, "no-store") || g_str_equal (name, "no-permanent-store"))
            message->no_store_hint = TRUE;
        }
    }

  /* XEP-0308 §4, XEP-0424 §4 (version 0.4: <retract id/> directly in the
   * message, replacing the XEP-0422 <apply-to/> form). */
  message->replace_id = g_strdup (child_id (stanza, "replace", CONFAB_XMPP_NS_CORRECT));
  message->retract_id = g_strdup (child_id (stanza, "retract", CONFAB_XMPP_NS_RETRACT));

  /* XEP-0461 §2: <reply to='jid' id='…'/>; 'to' is optional. */
  child = confab_xmpp_node_get_child (stanza, "reply", CONFAB_XMPP_NS_REPLY);
  if (child != NULL && valid_id (confab_xmpp_node_get_attr (child, "id")) != NULL)
    {
      const char *reply_to = confab_xmpp_node_get_attr (child, "to");

      message->reply_id = g_strdup (confab_xmpp_node_get_attr (child, "id"));
      if (reply_to != NULL)
        message->reply_to = confab_jid_parse (reply_to, NULL);
    }

  child = confab_xmpp_node_get_child (stanza, "reactions", CONFAB_XMPP_NS_REACTIONS);
  if (child != NULL)
    parse_reactions (message, child);

  compute_display_body (message, stanza);

  if (message->type == CONFAB_XMPP_MESSAGE_TYPE_ERROR)
    {
      message->error = confab_xmpp_stanza_get_error (stanza);
      if (message->error == NULL)
        message->error = g_error_new_literal (CONFAB_XMPP_STANZA_ERROR,
                                              CONFAB_XMPP_STANZA_ERROR_UNDEFINED_CONDITION,
                                              "undefined-condition");
    }

  return g_steal_pointer (&message);
}

#define GETTER(ret, name, field)                                     \
  ret                                                                \
  confab_xmpp_message_get_##name (ConfabXmppMessage *message)        \
  {                                                                  \
    g_return_val_if_fail (message != NULL, (ret) 0);                 \
    return message->field;                                           \
  }

GETTER (ConfabXmppNode *, stanza, stanza)
GETTER (ConfabJid *, from, from)
GETTER (ConfabJid *, to, to)
GETTER (ConfabXmppMessageType, message_type, type)
GETTER (const char *, id, id)
GETTER (const char *, thread, thread)
GETTER (const char *, thread_parent, thread_parent)
GETTER (const char *, body, body)
GETTER (const char *, body_lang, body_lang)
GETTER (const char *, display_body, display_body)
GETTER (const char *, subject, subject)
GETTER (const char *, origin_id, origin_id)
GETTER (const char *, stanza_id, stanza_id)
GETTER (GDateTime *, delay, delay)
GETTER (ConfabJid *, delay_from, delay_from)
GETTER (gboolean, receipt_requested, receipt_requested)
GETTER (const char *, receipt_id, receipt_id)
GETTER (ConfabXmppChatState, chat_state, chat_state)
GETTER (gboolean, markable, markable)
GETTER (ConfabXmppMarker, marker, marker)
GETTER (const char *, marker_id, marker_id)
GETTER (const char *, replace_id, replace_id)
GETTER (const char *, retract_id, retract_id)
GETTER (const char *, reply_id, reply_id)
GETTER (ConfabJid *, reply_to, reply_to)
GETTER (const char *, reactions_id, reactions_id)
GETTER (const GError *, error, error)
GETTER (gboolean, store_hint, store_hint)
GETTER (gboolean, no_store_hint, no_store_hint)

const char * const *
confab_xmpp_message_get_reactions (ConfabXmppMessage *message)
{
  g_return_val_if_fail (message != NULL, NULL);
  return (const char * const *) message->reactions;
}

/* ---- Building outbound messages ------------------------------------------- */

/* Bytes from the kernel's CSPRNG, fetched 512 at a time: a getrandom(2)
 * per id showed in bursts (every receipt has one). Used bytes are wiped. */
static void
random_bytes (guint8 *out,
              gsize   len)
{
  static guint8 pool[512];
  static gsize left;
  G_LOCK_DEFINE_STATIC (pool);

  G_LOCK (pool);
  while (len > 0)
    {
      gsize take;

      if (left == 0)
        {
          gsize have = 0;

#if defined(__linux__)
          while (have < sizeof pool)
            {
              ssize_t n = getrandom (pool + have, sizeof pool - have, 0);

              if (n <= 0)
                break;
              have += (gsize) n;
            }
#endif
          /* Fallback only if the kernel CSPRNG is unavailable. */
          for (; have < sizeof pool; have++)
            pool[have] = (guint8) g_random_int_range (0, 256);
          left = sizeof pool;
        }
      take = MIN (len, left);
      memcpy (out, pool + sizeof pool - left, take);
      memset (pool + sizeof pool - left, 0, take);
      left -= take;
      out += take;
      len -= take;
    }
  G_UNLOCK (pool);
}

char *
confab_xmpp_new_uuid (void)
{
  static const char hex[] = "0123456789abcdef";
  guint8 b[16];
  char *uuid = g_malloc (37);
  char *p = uuid;

  random_bytes (b, sizeof b);
  b[6] = (b[6] & 0x0f) | 0x40;  /* RFC 9562 §5.4: version 4 */
  b[8] = (b[8] & 0x3f) | 0x80;  /* variant 10 */
  for (guint i = 0; i < sizeof b; i++)
    {
      if (i == 4 || i == 6 || i == 8 || i == 10)
        *p++ = '-';
      *p++ = hex[b[i] >> 4];
      *p++ = hex[b[i] & 0x0f];
    }
  *p = '\0';
  return uuid;
}

static ConfabXmppNode *
new_message (ConfabJid  *to,
             const char *type,
             const char *id)
{
  ConfabXmppNode *message = confab_xmpp_node_new ("message", CONFAB_XMPP_NS_CLIENT);

  confab_xmpp_node_set_attr (message, "to", confab_jid_to_string (to));
  if (type != NULL)
    confab_xmpp_node_set_attr (message, "type", type);
  confab_xmpp_node_set_attr (message, "id", id);
  return message;
}

static void
add_text_child (ConfabXmppNode *parent,
                const char     *name,
                const char     *text)
{
  confab_xmpp_node_set_text (confab_xmpp_node_add_child (parent, name, NULL), text);
}

static void
add_with_id (ConfabXmppNode *parent,
             const char     *name,
             const char     *ns,
             const char     *id)
{
  confab_xmpp_node_set_attr (confab_xmpp_node_add_child (parent, name, ns), "id", id);
}

ConfabXmppNode *
confab_xmpp_message_build_chat (ConfabJid                   *to,
                                const char                  *body,
                                const char                  *id,
                                const ConfabXmppChatOptions *options)
{
  static const ConfabXmppChatOptions defaults = { 0 };
  ConfabXmppNode *message;
  g_autofree char *full_body = NULL;

  g_return_val_if_fail (to != NULL, NULL);
  g_return_val_if_fail (body != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);

  if (options == NULL)
    options = &defaults;

  message = new_message (to, "chat", id);
  if (options->reply_id != NULL && options->reply_fallback != NULL)
    full_body = g_strconcat (options->reply_fallback, body, NULL);
  add_text_child (message, "body", full_body != NULL ? full_body : body);
  if (options->thread != NULL)
    add_text_child (message, "thread", options->thread);
  /* XEP-0359 §3.1: the origin-id equals our stanza id. */
  add_with_id (message, "origin-id", CONFAB_XMPP_NS_SID, id);
  if (options->request_receipt)
    confab_xmpp_node_add_child (message, "request", CONFAB_XMPP_NS_RECEIPTS);
  if (options->markable)
    confab_xmpp_node_add_child (message, "markable", CONFAB_XMPP_NS_MARKERS);
  /* XEP-0085 §5.1: a content message carries <active/>. */
  if (!options->no_active_state)
    confab_xmpp_node_add_child (message, "active", CONFAB_XMPP_NS_CHATSTATES);
  if (options->reply_id != NULL)
    {
      ConfabXmppNode *reply = confab_xmpp_node_add_child (message, "reply", CONFAB_XMPP_NS_REPLY);

      confab_xmpp_node_set_attr (reply, "id", options->reply_id);
      if (options->reply_to != NULL)
        confab_xmpp_node_set_attr (reply, "to", confab_jid_to_string (options->reply_to));
      if (options->reply_fallback != NULL && *options->reply_fallback != '\0')
        {
          /* XEP-0461 §2.2 with XEP-0428: the quote is fallback, counted in
           * code points (XEP-0426). */
          ConfabXmppNode *fallback = confab_xmpp_node_add_child (message, "fallback",
                                                                 CONFAB_XMPP_NS_FALLBACK);
          ConfabXmppNode *range = confab_xmpp_node_add_child (fallback, "body", NULL);
          g_autofree char *end = g_strdup_printf ("%ld", g_utf8_strlen (options->reply_fallback, -1));

          confab_xmpp_node_set_attr (fallback, "for", CONFAB_XMPP_NS_REPLY);
          confab_xmpp_node_set_attr (range, "start", "0");
          confab_xmpp_node_set_attr (range, "end", end);
        }
    }
  if (options->private_)
    {
      /* XEP-0280 §7 and XEP-0334 §4.1: keep it off our other devices. */
      confab_xmpp_node_add_child (message, "private", NS_CARBONS);
      confab_xmpp_node_add_child (message, "no-copy", CONFAB_XMPP_NS_HINTS);
    }
  return message;
}

/* ---- Bounded trust tables ------------------------------------------------- */

/*
 * A FIFO-evicted set of (peer bare JID, id) pairs, with a count per id so
 * "known for someone else" can be answered. The key is "<bare>\x1f<id>":
 * U+001F cannot occur in a JID (RFC 7622 forbids control characters), so
 * the split is unambiguous.
 */
typedef struct {
  GHashTable *pairs;      /* key → NULL (set) */
  GHashTable *id_counts;  /* id → GUINT count (keys owned here) */
  char      **ring;       /* keys in insertion order */
  guint       capacity;
  guint       next;
} IdTable;

static void
id_table_init (IdTable *table,
               guint    capacity)
{
  table->pairs = g_hash_table_new (g_str_hash, g_str_equal);
  table->id_counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  table->ring = g_new0 (char *, capacity);
  table->capacity = capacity;
  table->next = 0;
}

static void
id_table_clear (IdTable *table)
{
  g_clear_pointer (&table->pairs, g_hash_table_unref);
  g_clear_pointer (&table->id_counts, g_hash_table_unref);
  if (table->ring != NULL)
    for (guint i = 0; i < table->capacity; i++)
      g_free (table->ring[i]);
  g_clear_pointer (&table->ring, g_free);
}

static char *
id_table_key (ConfabJid  *peer,
              const char *id)
{
  return g_strconcat (confab_jid_get_bare_string (peer), "\x1f", id, NULL);
}

static void
id_table_forget_key (IdTable *table,
                     char    *key)
{
  const char *id = strchr (key, '\x1f') + 1;
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (table->id_counts, id));

  g_hash_table_remove (table->pairs, key);
  if (count <= 1)
    g_hash_table_remove (table->id_counts, id);
  else
    g_hash_table_insert (table->id_counts, g_strdup (id), GUINT_TO_POINTER (count - 1));
  g_free (key);
}

static void
id_table_add (IdTable    *table,
              ConfabJid  *peer,
              const char *id)
{
  char *key;
  guint count;

  if (id == NULL || peer == NULL)
    return;
  key = id_table_key (peer, id);
  if (g_hash_table_contains (table->pairs, key))
    {
      g_free (key);
      return;
    }
  if (table->ring[table->next] != NULL)
    id_table_forget_key (table, g_steal_pointer (&table->ring[table->next]));
  table->ring[table->next] = key;
  table->next = (table->next + 1) % table->capacity;
  g_hash_table_add (table->pairs, key);
  count = GPOINTER_TO_UINT (g_hash_table_lookup (table->id_counts, id));
  g_hash_table_insert (table->id_counts, g_strdup (id), GUINT_TO_POINTER (count + 1));
}

static gboolean
id_table_contains (IdTable    *table,
                   ConfabJid  *peer,
                   const char *id)
{
  g_autofree char *key = id_table_key (peer, id);

  return g_hash_table_contains (table->pairs, key);
}

static gboolean
id_table_knows_id (IdTable    *table,
                   const char *id)
{
  return g_hash_table_contains (table->id_counts, id);
}

/* ---- The module ----------------------------------------------------------- */

struct _ConfabXmppMessages {
  GObject           parent_instance;

  ConfabXmppStream *stream;       /* unowned: the stream owns its modules */
  gulong            stanza_handler;
  char             *lang;
  IdTable           sent;         /* (recipient, id) of messages we sent */
  IdTable           authors;      /* (author, id) of recent messages */
};

static void module_iface_init (ConfabXmppModuleInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConfabXmppMessages, confab_xmpp_messages, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONFAB_TYPE_XMPP_MODULE, module_iface_init))

enum {
  MESSAGE_RECEIVED,
  RECEIPT_RECEIVED,
  MARKER_RECEIVED,
  CHAT_STATE_CHANGED,
  CORRECTION_RECEIVED,
  RETRACTION_RECEIVED,
  REACTION_RECEIVED,
  MESSAGE_ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Each XEP's disco feature (XEP-0030), from its "Discovering support". */
static const char * const features[] = {
  CONFAB_XMPP_NS_RECEIPTS,    /* XEP-0184 §4 */
  CONFAB_XMPP_NS_CHATSTATES,  /* XEP-0085 §6 */
  CONFAB_XMPP_NS_MARKERS,     /* XEP-0333 §4 */
  CONFAB_XMPP_NS_CORRECT,     /* XEP-0308 §2 */
  CONFAB_XMPP_NS_RETRACT,     /* XEP-0424 §2 */
  CONFAB_XMPP_NS_REACTIONS,   /* XEP-0444 §2 */
  CONFAB_XMPP_NS_REPLY,       /* XEP-0461 §3 */
  CONFAB_XMPP_NS_FALLBACK,    /* XEP-0428 §3 */
  CONFAB_XMPP_NS_SID,         /* XEP-0359 §4 */
};

static ConfabJid *
own_jid (ConfabXmppMessages *self)
{
  ConfabJid *bound;

  if (self->stream == NULL)
    return NULL;
  bound = confab_xmpp_stream_get_bound_jid (self->stream);
  return bound != NULL ? bound : confab_xmpp_stream_get_jid (self->stream);
}

static gboolean
from_own_account (ConfabXmppMessages *self,
                  ConfabXmppMessage  *message)
{
  ConfabJid *own = own_jid (self);

  return own != NULL && confab_jid_equal_bare (message->from, own);
}

/* Receipts and markers: only for our ids, only from their recipient. */
static gboolean
check_ack (ConfabXmppMessages *self,
           ConfabXmppMessage  *message,
           const char         *id,
           const char         *what)
{
  if (id_table_contains (&self->sent, message->from, id))
    return TRUE;
  g_debug ("Dropping a %s for '%s' from %s: not a message we sent to them",
           what, id, confab_jid_get_bare_string (message->from));
  return FALSE;
}

/* Corrections and retractions: TRUE and *verified when the id is known for
 * this sender; TRUE and !*verified when unknown; FALSE (drop) when known
 * only for another sender. */
static gboolean
check_author (ConfabXmppMessages *self,
              ConfabXmppMessage  *message,
              const char         *id,
              gboolean           *verified,
              const char         *what)
{
  /* In a room every occupant shares the room's bare JID, so a bare-JID
   * match proves nothing: the MUC layer must compare occupant identities
   * (XEP-0308 §6, XEP-0424 §5). */
  if (message->type == CONFAB_XMPP_MESSAGE_TYPE_GROUPCHAT)
    {
      *verified = FALSE;
      return TRUE;
    }
  *verified = id_table_contains (&self->authors, message->from, id);
  if (*verified || !id_table_knows_id (&self->authors, id))
    return TRUE;
  g_debug ("Dropping a %s of '%s' from %s, who did not write it",
           what, id, confab_jid_get_bare_string (message->from));
  return FALSE;
}

static void
remember_author (ConfabXmppMessages *self,
                 ConfabXmppMessage  *message,
                 ConfabJid          *author)
{
  id_table_add (&self->authors, author, message->id);
  if (message->origin_id != NULL && g_strcmp0 (message->origin_id, message->id) != 0)
    id_table_add (&self->authors, author, message->origin_id);
}

static void
dispatch (ConfabXmppMessages *self,
          ConfabXmppMessage  *message,
          gboolean            is_carbon,
          gboolean            is_sent)
{
  gboolean verified;
  ConfabJid *own = own_jid (self);

  if (message->type == CONFAB_XMPP_MESSAGE_TYPE_ERROR)
    {
      /* RFC 6120 §8.3: a bounce of one of our messages; the core matches it
       * by (peer, id). */
      g_signal_emit (self, signals[MESSAGE_ERROR], 0, message, message->error);
      return;
    }

  if (is_sent)
    {
      /* Our other device sent this: learn its id so the recipient's
       * receipts and markers are accepted here too, and our own later
       * corrections of it verify. */
      if (message->to != NULL)
        id_table_add (&self->sent, message->to, message->id);
      if (own != NULL)
        {
          g_autoptr(ConfabJid) own_bare = confab_jid_get_bare (own);
          remember_author (self, message, own_bare);
        }
    }

  if (message->receipt_id != NULL && !is_sent
      && check_ack (self, message, message->receipt_id, "receipt"))
    g_signal_emit (self, signals[RECEIPT_RECEIVED], 0, message, message->receipt_id);

  if (message->marker != CONFAB_XMPP_MARKER_NONE)
    {
      /* A marker in a sent carbon is our own device's (XEP-0333 §5):
       * trusted as our account's own statement. */
      if (is_sent || check_ack (self, message, message->marker_id, "marker"))
        g_signal_emit (self, signals[MARKER_RECEIVED], 0, message, message->marker,
                       message->marker_id, is_sent);
    }

  if (message->chat_state != CONFAB_XMPP_CHAT_STATE_NONE && !is_sent)
    g_signal_emit (self, signals[CHAT_STATE_CHANGED], 0, message, message->chat_state);

  if (message->replace_id != NULL)
    {
      if (check_author (self, message, message->replace_id, &verified, "correction"))
        {
          /* A chain of corrections may name this one next (XEP-0308 §5). */
          if (verified)
            remember_author (self, message, message->from);
          g_signal_emit (self, signals[CORRECTION_RECEIVED], 0, message,
                         message->replace_id, verified);
        }
      return;  /* never also a new message */
    }

  if (message->retract_id != NULL)
    {
      if (check_author (self, message, message->retract_id, &verified, "retraction"))
        g_signal_emit (self, signals[RETRACTION_RECEIVED], 0, message,
                       message->retract_id, verified);
      return;  /* its body is only a fallback */
    }

  if (message->reactions_id != NULL)
    {
      g_signal_emit (self, signals[REACTION_RECEIVED], 0, message, message->reactions_id,
                     message->reactions);
      return;
    }

  if (message->body != NULL)
    {
      if (!is_sent)
        remember_author (self, message, message->from);
      g_signal_emit (self, signals[MESSAGE_RECEIVED], 0, message, is_carbon, is_sent);
    }
}

void
confab_xmpp_messages_handle_carbon (ConfabXmppMessages *self,
                                    ConfabXmppMessage  *message,
                                    gboolean            is_sent)
{
  ConfabJid *own;

  g_return_if_fail (CONFAB_IS_XMPP_MESSAGES (self));
  g_return_if_fail (message != NULL);

  own = own_jid (self);
  /* XEP-0280 §11: a sent carbon is a message our account sent. */
  if (is_sent && (own == NULL || !confab_jid_equal_bare (message->from, own)))
    {
      g_debug ("Dropping a sent carbon whose message is from %s",
               confab_jid_to_string (message->from));
      return;
    }
  dispatch (self, message, TRUE, is_sent);
}

void
confab_xmpp_messages_handle_stanza (ConfabXmppMessages *self,
                                    ConfabXmppNode     *stanza)
{
  g_autoptr(ConfabXmppMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  ConfabJid *own;

  g_return_if_fail (CONFAB_IS_XMPP_MESSAGES (self));
  g_return_if_fail (stanza != NULL);

  if (!confab_xmpp_node_is (stanza, "message", CONFAB_XMPP_NS_CLIENT))
    return;
  /* Carbons belong to ConfabXepCarbons, which checks their origin; a
   * wrapper is never a message in its own right. */
  if (confab_xmpp_node_get_child (stanza, "received", NS_CARBONS) != NULL
      || confab_xmpp_node_get_child (stanza, "sent", NS_CARBONS) != NULL)
    return;

  own = own_jid (self);
  message = confab_xmpp_message_parse_with_lang (stanza, own, self->lang, &error);
  if (message == NULL)
    {
      g_debug ("Dropping a message: %s", error->message);
      return;
    }
  /* Our own messages reach us only as carbons; one "from" this very
   * session is a reflection or a forgery. */
  if (own != NULL && !confab_jid_is_bare (own) && confab_jid_equal (message->from, own))
    {
      g_debug ("Dropping a message claiming to be from this session");
      return;
    }
  if (from_own_account (self, message) && confab_jid_is_bare (message->from)
      && message->body == NULL)
    return;  /* server-generated on our behalf (PEP, MAM): not for us */
  dispatch (self, message, FALSE, FALSE);
}

static void
stanza_received_cb (ConfabXmppStream *stream,
                    ConfabXmppNode   *stanza,
                    gpointer          user_data)
{
  ConfabXmppMessages *self = user_data;

  g_assert (CONFAB_IS_XMPP_MESSAGES (self));
  confab_xmpp_messages_handle_stanza (self, stanza);
}

static void
confab_xmpp_messages_attach (ConfabXmppModule *module,
                             ConfabXmppStream *stream)
{
  ConfabXmppMessages *self = CONFAB_XMPP_MESSAGES (module);

  g_return_if_fail (self->stream == NULL);

  self->stream = stream;
  self->stanza_handler = g_signal_connect (stream, "stanza-received",
                                           G_CALLBACK (stanza_received_cb), self);
  for (gsize i = 0; i < G_N_ELEMENTS (features); i++)
    confab_xmpp_stream_add_disco_feature (stream, features[i]);
}

static void
confab_xmpp_messages_detach (ConfabXmppModule *module,
                             ConfabXmppStream *stream)
{
  ConfabXmppMessages *self = CONFAB_XMPP_MESSAGES (module);

  if (self->stream != stream)
    return;
  g_clear_signal_handler (&self->stanza_handler, stream);
  for (gsize i = 0; i < G_N_ELEMENTS (features); i++)
    confab_xmpp_stream_remove_disco_feature (stream, features[i]);
  self->stream = NULL;
}

static void
module_iface_init (ConfabXmppModuleInterface *iface)
{
  iface->attach = confab_xmpp_messages_attach;
  iface->detach = confab_xmpp_messages_detach;
}

static void
confab_xmpp_messages_finalize (GObject *object)
{
  ConfabXmppMessages *self = CONFAB_XMPP_MESSAGES (object);

  if (self->stream != NULL)
    g_clear_signal_handler (&self->stanza_handler, self->stream);
  id_table_clear (&self->sent);
  id_table_clear (&self->authors);
  g_free (self->lang);
  G_OBJECT_CLASS (confab_xmpp_messages_parent_class)->finalize (object);
}

static void
confab_xmpp_messages_class_init (ConfabXmppMessagesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = confab_xmpp_messages_finalize;

  /**
   * ConfabXmppMessages::message-received:
   * @message: the message (with a body)
   * @is_carbon: it came as a XEP-0280 carbon
   * @is_sent_carbon: it is a message our own other device sent
   *
   * A new message to show and store. Corrections, retractions and reactions
   * have their own signals and never come here.
   */
  signals[MESSAGE_RECEIVED] =
    g_signal_new ("message-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  CONFAB_TYPE_XMPP_MESSAGE | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_BOOLEAN, G_TYPE_BOOLEAN);
  /**
   * ConfabXmppMessages::receipt-received:
   * @message: the message carrying the receipt (its from is the recipient)
   * @id: the id of our message that was delivered
   *
   * XEP-0184: only for ids we sent to exactly this bare JID.
   */
  signals[RECEIPT_RECEIVED] =
    g_signal_new ("receipt-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  CONFAB_TYPE_XMPP_MESSAGE | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_STRING);
  /**
   * ConfabXmppMessages::marker-received:
   * @message: the message carrying the marker
   * @marker: received, displayed or acknowledged
   * @id: the message marked
   * @is_own: our own other device sent it (a sent carbon): @id is a
   *   message of the peer in @message's 'to', now read elsewhere
   *
   * XEP-0333: from a peer, only for ids we sent to that bare JID.
   */
  signals[MARKER_RECEIVED] =
    g_signal_new ("marker-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 4,
                  CONFAB_TYPE_XMPP_MESSAGE | G_SIGNAL_TYPE_STATIC_SCOPE,
                  CONFAB_TYPE_XMPP_MARKER, G_TYPE_STRING, G_TYPE_BOOLEAN);
  /**
   * ConfabXmppMessages::chat-state-changed:
   * @message: the message (its from is whose state changed)
   * @state: the new state
   *
   * XEP-0085, from a peer (our own devices' states are not reported).
   */
  signals[CHAT_STATE_CHANGED] =
    g_signal_new ("chat-state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  CONFAB_TYPE_XMPP_MESSAGE | G_SIGNAL_TYPE_STATIC_SCOPE,
                  CONFAB_TYPE_XMPP_CHAT_STATE);
  /**
   * ConfabXmppMessages::correction-received:
   * @message: the correction (its body is the new text)
   * @replace_id: the id of the message corrected
   * @verified: %TRUE when the corrected message is known to be by the same
   *   bare JID; %FALSE when it is not known here at all, and the core must
   *   check the author in its history before applying it
   *
   * XEP-0308. A correction of a known message by someone else is dropped.
   */
  signals[CORRECTION_RECEIVED] =
    g_signal_new ("correction-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  CONFAB_TYPE_XMPP_MESSAGE | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_STRING, G_TYPE_BOOLEAN);
  /**
   * ConfabXmppMessages::retraction-received:
   * @message: the retraction
   * @retract_id: the id of the message retracted
   * @verified: as for ::correction-received
   *
   * XEP-0424.
   */
  signals[RETRACTION_RECEIVED] =
    g_signal_new ("retraction-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  CONFAB_TYPE_XMPP_MESSAGE | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_STRING, G_TYPE_BOOLEAN);
  /**
   * ConfabXmppMessages::reaction-received:
   * @message: the message carrying the reactions
   * @id: the message reacted to
   * @reactions: the sender's complete set of reactions (may be empty)
   *
   * XEP-0444 §3: replaces all earlier reactions of the sender to @id.
   */
  signals[REACTION_RECEIVED] =
    g_signal_new ("reaction-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  CONFAB_TYPE_XMPP_MESSAGE | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_STRING, G_TYPE_STRV);
  /**
   * ConfabXmppMessages::message-error:
   * @message: the type=error message (its id is ours, its from the peer)
   * @error: a CONFAB_XMPP_STANZA_ERROR
   */
  signals[MESSAGE_ERROR] =
    g_signal_new ("message-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  CONFAB_TYPE_XMPP_MESSAGE | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_ERROR);
}

static void
confab_xmpp_messages_init (ConfabXmppMessages *self)
{
  self->lang = g_strdup ("en");
  id_table_init (&self->sent, CONFAB_XMPP_MESSAGES_TABLE_SIZE);
  id_table_init (&self->authors, CONFAB_XMPP_MESSAGES_TABLE_SIZE);
}

ConfabXmppMessages *
confab_xmpp_messages_new (void)
{
  return g_object_new (CONFAB_TYPE_XMPP_MESSAGES, NULL);
}

void
confab_xmpp_messages_set_lang (ConfabXmppMessages *self,
                               const char         *lang)
{
  g_return_if_fail (CONFAB_IS_XMPP_MESSAGES (self));

  g_free (self->lang);
  self->lang = g_strdup (lang);
}

/* Records and sends a message of ours. */
static void
send_own (ConfabXmppMessages *self,
          ConfabJid          *to,
          const char         *id,
          ConfabXmppNode     *stanza)
{
  g_autoptr(ConfabJid) own_bare = NULL;

  id_table_add (&self->sent, to, id);
  if (own_jid (self) != NULL)
    {
      own_bare = confab_jid_get_bare (own_jid (self));
      id_table_add (&self->authors, own_bare, id);
    }
  confab_xmpp_stream_send (self->stream, stanza);
}

char *
confab_xmpp_messages_send_chat (ConfabXmppMessages          *self,
                                ConfabJid                   *to,
                                const char                  *body,
                                const ConfabXmppChatOptions *options)
{
  g_autoptr(ConfabXmppNode) stanza = NULL;
  g_autofree char *id = NULL;

  g_return_val_if_fail (CONFAB_IS_XMPP_MESSAGES (self), NULL);
  g_return_val_if_fail (to != NULL, NULL);
  g_return_val_if_fail (body != NULL, NULL);
  g_return_val_if_fail (self->stream != NULL, NULL);

  id = g_strdup (options != NULL && options->id != NULL ? options->id : NULL);
  if (id == NULL)
    id = confab_xmpp_new_uuid ();
  stanza = confab_xmpp_message_build_chat (to, body, id, options);
  send_own (self, to, id, stanza);
  return g_steal_pointer (&id);
}

void
confab_xmpp_messages_send_receipt (ConfabXmppMessages *self,
                                   ConfabJid          *to,
                                   const char         *id)
{
  g_autoptr(ConfabXmppNode) stanza = NULL;
  g_autofree char *own_id = confab_xmpp_new_uuid ();

  g_return_if_fail (CONFAB_IS_XMPP_MESSAGES (self));
  g_return_if_fail (to != NULL);
  g_return_if_fail (id != NULL);
  g_return_if_fail (self->stream != NULL);

  /* XEP-0184 §5.2; type chat so carbons (XEP-0280 §6) copy it to our other
   * devices, which then know the message was delivered to us. */
  stanza = new_message (to, "chat", own_id);
  add_with_id (stanza, "received", CONFAB_XMPP_NS_RECEIPTS, id);
  confab_xmpp_stream_send (self->stream, stanza);
}

void
confab_xmpp_messages_send_marker (ConfabXmppMessages *self,
                                  ConfabJid          *to,
                                  const char         *id,
                                  ConfabXmppMarker    marker)
{
  g_autoptr(ConfabXmppNode) stanza = NULL;
  g_autofree char *own_id = confab_xmpp_new_uuid ();

  g_return_if_fail (CONFAB_IS_XMPP_MESSAGES (self));
  g_return_if_fail (to != NULL);
  g_return_if_fail (id != NULL);
  g_return_if_fail (marker > CONFAB_XMPP_MARKER_NONE && marker <= CONFAB_XMPP_MARKER_ACKNOWLEDGED);
  g_return_if_fail (self->stream != NULL);

  /* XEP-0333 §3 and §5: to the bare JID, stored so every device syncs. */
  stanza = new_message (to, "chat", own_id);
  add_with_id (stanza, marker_names[marker], CONFAB_XMPP_NS_MARKERS, id);
  confab_xmpp_node_add_child (stanza, "store", CONFAB_XMPP_NS_HINTS);
  confab_xmpp_stream_send (self->stream, stanza);
}

void
confab_xmpp_messages_send_chat_state (ConfabXmppMessages  *self,
                                      ConfabJid           *to,
                                      ConfabXmppChatState  state)
{
  g_autoptr(ConfabXmppNode) stanza = NULL;
  g_autofree char *own_id = confab_xmpp_new_uuid ();

  g_return_if_fail (CONFAB_IS_XMPP_MESSAGES (self));
  g_return_if_fail (to != NULL);
  g_return_if_fail (state > CONFAB_XMPP_CHAT_STATE_NONE && state <= CONFAB_XMPP_CHAT_STATE_GONE);
  g_return_if_fail (self->stream != NULL);

  /* XEP-0085 §5.5 standalone notification; XEP-0334: not worth archiving. */
  stanza = new_message (to, "chat", own_id);
  confab_xmpp_node_add_child (stanza, chat_state_names[state], CONFAB_XMPP_NS_CHATSTATES);
  confab_xmpp_node_add_child (stanza, "no-store", CONFAB_XMPP_NS_HINTS);
  confab_xmpp_stream_send (self->stream, stanza);
}

char *
confab_xmpp_messages_send_correction (ConfabXmppMessages *self,
                                      ConfabJid          *to,
                                      const char         *replace_id,
                                      const char         *body)
{
  g_autoptr(ConfabXmppNode) stanza = NULL;
  char *id;

  g_return_val_if_fail (CONFAB_IS_XMPP_MESSAGES (self), NULL);
  g_return_val_if_fail (to != NULL, NULL);
  g_return_val_if_fail (replace_id != NULL, NULL);
  g_return_val_if_fail (body != NULL, NULL);
  g_return_val_if_fail (self->stream != NULL, NULL);

  /* XEP-0308 §4: the new full text and the id of the original. */
  id = confab_xmpp_new_uuid ();
  stanza = new_message (to, "chat", id);
  add_text_child (stanza, "body", body);
  add_with_id (stanza, "origin-id", CONFAB_XMPP_NS_SID, id);
  add_with_id (stanza, "replace", CONFAB_XMPP_NS_CORRECT, replace_id);
  send_own (self, to, id, stanza);
  return id;
}

char *
confab_xmpp_messages_send_retraction (ConfabXmppMessages *self,
                                      ConfabJid          *to,
                                      const char         *retract_id)
{
  g_autoptr(ConfabXmppNode) stanza = NULL;
  ConfabXmppNode *fallback;
  char *id;

  g_return_val_if_fail (CONFAB_IS_XMPP_MESSAGES (self), NULL);
  g_return_val_if_fail (to != NULL, NULL);
  g_return_val_if_fail (retract_id != NULL, NULL);
  g_return_val_if_fail (self->stream != NULL, NULL);

  /* XEP-0424 §4: <retract id/>, a whole-body XEP-0428 fallback for older
   * clients, and a store hint so the archive keeps the retraction. */
  id = confab_xmpp_new_uuid ();
  stanza = new_message (to, "chat", id);
  add_with_id (stanza, "retract", CONFAB_XMPP_NS_RETRACT, retract_id);
  fallback = confab_xmpp_node_add_child (stanza, "fallback", CONFAB_XMPP_NS_FALLBACK);
  confab_xmpp_node_set_attr (fallback, "for", CONFAB_XMPP_NS_RETRACT);
  add_text_child (stanza, "body",
                  "This person attempted to retract a previous message, "
                  "but it's unsupported by your client.");
  add_with_id (stanza, "origin-id", CONFAB_XMPP_NS_SID, id);
  confab_xmpp_node_add_child (stanza, "store", CONFAB_XMPP_NS_HINTS);
  send_own (self, to, id, stanza);
  return id;
}

char *
confab_xmpp_messages_send_reaction (ConfabXmppMessages *self,
                                    ConfabJid          *to,
                                    const char         *message_id,
                                    const char * const *reactions)
{
  g_autoptr(ConfabXmppNode) stanza = NULL;
  g_autoptr(GPtrArray) seen = g_ptr_array_new ();
  ConfabXmppNode *element;
  char *id;

  g_return_val_if_fail (CONFAB_IS_XMPP_MESSAGES (self), NULL);
  g_return_val_if_fail (to != NULL, NULL);
  g_return_val_if_fail (message_id != NULL, NULL);
  g_return_val_if_fail (self->stream != NULL, NULL);

  /* XEP-0444 §3.1: the full current set; XEP-0334 store hint (§3.2). */
  id = confab_xmpp_new_uuid ();
  stanza = new_message (to, "chat", id);
  element = confab_xmpp_node_add_child (stanza, "reactions", CONFAB_XMPP_NS_REACTIONS);
  confab_xmpp_node_set_attr (element, "id", message_id);
  for (gsize i = 0; reactions != NULL && reactions[i] != NULL; i++)
    {
      gboolean duplicate = FALSE;

      if (!acceptable_reaction (reactions[i]) || seen->len >= CONFAB_XMPP_MESSAGE_MAX_REACTIONS)
        continue;
      for (guint k = 0; k < seen->len && !duplicate; k++)
        duplicate = g_str_equal (g_ptr_array_index (seen, k), reactions[i]);
      if (duplicate)
        continue;
      g_ptr_array_add (seen, (gpointer) reactions[i]);
      add_text_child (element, "reaction", reactions[i]);
    }
  confab_xmpp_node_add_child (stanza, "store", CONFAB_XMPP_NS_HINTS);
  confab_xmpp_stream_send (self->stream, stanza);
  return id;
}
