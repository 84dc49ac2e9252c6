/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-xmpp-node.h"
#include "confab-xmpp-node-private.h"

#include <string.h>

/*
 * Memory layout. The parser builds some 40,000 nodes per second in a busy
 * burst, so a node is one allocation where possible: the struct, then (for
 * parsed elements) an inline array of its attributes, then the strings it
 * owns. Names and namespaces of the common XMPP vocabulary are interned and
 * shared; any other name is copied into the node, never interned, because
 * interned strings live forever and a peer could otherwise grow our memory
 * without bound by sending ever new names. Attributes added or replaced
 * later own their strings separately (Attr.flags).
 */

enum {
  ATTR_OWNS_NAME  = 1 << 0,
  ATTR_OWNS_NS    = 1 << 1,
  ATTR_OWNS_VALUE = 1 << 2,
};

typedef struct {
  const char *name;   /* "xml:lang" for the XML namespace */
  const char *ns;     /* NULL for unqualified and xml:* */
  char       *value;
  guint       flags;
} Attr;

struct _ConfabXmppNode {
  gatomicrefcount  ref_count;
  guint            n_attrs;
  guint            attrs_capacity;
  const char      *name;          /* interned or inside the allocation */
  const char      *ns;
  ConfabXmppNode  *parent;        /* weak: the parent owns us */
  ConfabXmppNode  *first_child;   /* strong */
  ConfabXmppNode  *last_child;
  ConfabXmppNode  *next;          /* strong: owned through the parent */
  Attr            *attrs;         /* inline (right after the struct) or heap */
  char            *text;          /* NULL when empty */
  gsize            text_len;
  gsize            text_alloc;
};

static const char * const vocabulary[] = {
  /* RFC 6120, RFC 6121 */
  "stream", "features", "error", "message", "presence", "iq", "body", "subject", "thread",
  "show", "status", "priority", "query", "item", "group", "text", "starttls", "proceed",
  "required", "mechanisms", "mechanism", "auth", "challenge", "response", "success",
  "failure", "abort", "bind", "jid", "resource", "session", "optional",
  "to", "from", "id", "type", "xml:lang", "version", "name", "subscription", "ask",
  "approved", "ver", "by", "code",
  CONFAB_XMPP_NS_CLIENT, CONFAB_XMPP_NS_STREAM, CONFAB_XMPP_NS_XML, "jabber:server",
  "jabber:iq:roster", "urn:ietf:params:xml:ns:xmpp-tls", "urn:ietf:params:xml:ns:xmpp-sasl",
  "urn:ietf:params:xml:ns:xmpp-bind", "urn:ietf:params:xml:ns:xmpp-session",
  "urn:ietf:params:xml:ns:xmpp-stanzas", "urn:ietf:params:xml:ns:xmpp-streams",
  /* Common XEPs */
  "c", "x", "delay", "stamp", "origin-id", "stanza-id", "active", "composing", "paused",
  "inactive", "gone", "hash", "node", "var", "feature", "identity", "category",
  "forwarded", "received", "sent", "request", "markable", "displayed", "ping", "result",
  "fin", "set", "first", "last", "count", "before", "after", "max", "field", "value",
  "enable", "enabled", "resume", "resumed", "r", "a", "h", "previd", "location",
  "pubsub", "items", "event", "publish", "data", "metadata", "info", "reason",
  "urn:xmpp:sid:0", "urn:xmpp:delay", "http://jabber.org/protocol/chatstates",
  "http://jabber.org/protocol/caps", "http://jabber.org/protocol/disco#info",
  "http://jabber.org/protocol/disco#items", "http://jabber.org/protocol/muc",
  "http://jabber.org/protocol/muc#user", "http://jabber.org/protocol/pubsub",
  "http://jabber.org/protocol/pubsub#event", "http://jabber.org/protocol/rsm",
  "jabber:x:data", "urn:xmpp:receipts", "urn:xmpp:chat-markers:0", "urn:xmpp:ping",
  "urn:xmpp:carbons:2", "urn:xmpp:forward:0", "urn:xmpp:mam:2", "urn:xmpp:sm:3",
  "urn:xmpp:csi:0", "urn:xmpp:hints", "urn:xmpp:message-correct:0", "urn:xmpp:reply:0",
  "urn:xmpp:reactions:0", "urn:xmpp:avatar:metadata", "urn:xmpp:bookmarks:1",
  "urn:xmpp:http:upload:0", "jabber:x:oob", "urn:xmpp:sasl-cb:0", "urn:xmpp:sasl:2",
  "urn:xmpp:bind:0", "urn:xmpp:fast:0",
};

/* The canonical (interned) copy of @s if it is already interned (the
 * vocabulary, or anything else the process interned), else NULL. Never
 * interns anything new. */
const char *
_confab_xmpp_node_canonical (const char *s)
{
  static gsize seeded = 0;
  GQuark quark;

  if (g_once_init_enter (&seeded))
    {
      for (gsize i = 0; i < G_N_ELEMENTS (vocabulary); i++)
        g_intern_static_string (vocabulary[i]);
      g_once_init_leave (&seeded, 1);
    }

  quark = g_quark_try_string (s);
  return quark != 0 ? g_quark_to_string (quark) : NULL;
}

G_DEFINE_BOXED_TYPE (ConfabXmppNode, confab_xmpp_node,
                     confab_xmpp_node_ref, confab_xmpp_node_unref)

static inline gboolean
ns_equal (const char *a,
          const char *b)
{
  /* Interned strings compare by pointer; callers' literals need strcmp. */
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;
  return strcmp (a, b) == 0;
}

static inline gboolean
attrs_inline (ConfabXmppNode *node)
{
  return node->attrs == (Attr *) (node + 1);
}

static void
attr_clear (Attr *attr)
{
  if (attr->flags & ATTR_OWNS_NAME)
    g_free ((char *) attr->name);
  if (attr->flags & ATTR_OWNS_NS)
    g_free ((char *) attr->ns);
  if (attr->flags & ATTR_OWNS_VALUE)
    g_free (attr->value);
}

/* Copies @len bytes of @s to *@p, NUL-terminated, and advances *@p. */
static const char *
place_string (const char  *s,
              gsize        len,
              char       **p)
{
  char *copy = *p;

  memcpy (copy, s, len);
  copy[len] = '\0';
  *p += len + 1;
  return copy;
}

ConfabXmppNode *
confab_xmpp_node_new (const char *name,
                      const char *ns)
{
  const char *canonical_name, *canonical_ns = NULL;
  gsize name_len = 0, ns_len = 0;
  ConfabXmppNode *node;
  char *p;

  g_return_val_if_fail (name != NULL, NULL);

  /* An empty namespace name is no namespace (Namespaces in XML §6.2). */
  if (ns != NULL && ns[0] == '\0')
    ns = NULL;

  canonical_name = _confab_xmpp_node_canonical (name);
  if (canonical_name == NULL)
    name_len = strlen (name) + 1;
  if (ns != NULL && (canonical_ns = _confab_xmpp_node_canonical (ns)) == NULL)
    ns_len = strlen (ns) + 1;

  node = g_malloc0 (sizeof (ConfabXmppNode) + name_len + ns_len);
  g_atomic_ref_count_init (&node->ref_count);
  p = (char *) (node + 1);
  node->name = canonical_name != NULL ? canonical_name : place_string (name, name_len - 1, &p);
  if (ns != NULL)
    node->ns = canonical_ns != NULL ? canonical_ns : place_string (ns, ns_len - 1, &p);
  return node;
}

ConfabXmppNode *
_confab_xmpp_node_new_sized (const ConfabXmppString *name,
                             const ConfabXmppString *ns,
                             guint                   n_attrs,
                             const ConfabXmppString *attr_names,
                             const ConfabXmppString *attr_ns,
                             const ConfabXmppString *values)
{
  ConfabXmppNode *node;
  gsize strings_size = 0;
  char *p;

  if (name->canonical == NULL)
    strings_size += name->len + 1;
  if (ns->canonical == NULL && ns->str != NULL)
    strings_size += ns->len + 1;
  for (guint i = 0; i < n_attrs; i++)
    {
      strings_size += values[i].len + 1;
      if (attr_names[i].canonical == NULL)
        strings_size += attr_names[i].len + 1;
      if (attr_ns[i].canonical == NULL && attr_ns[i].str != NULL)
        strings_size += attr_ns[i].len + 1;
    }

  node = g_malloc (sizeof (ConfabXmppNode) + n_attrs * sizeof (Attr) + strings_size);
  g_atomic_ref_count_init (&node->ref_count);
  node->n_attrs = n_attrs;
  node->attrs_capacity = n_attrs;
  node->parent = NULL;
  node->first_child = NULL;
  node->last_child = NULL;
  node->next = NULL;
  node->attrs = (Attr *) (node + 1);
  node->text = NULL;
  node->text_len = 0;
  node->text_alloc = 0;

  p = (char *) (node->attrs + n_attrs);
  node->name = name->canonical != NULL ? name->canonical : place_string (name->str, name->len, &p);
  if (ns->str == NULL)
    node->ns = NULL;
  else
    node->ns = ns->canonical != NULL ? ns->canonical : place_string (ns->str, ns->len, &p);

  for (guint i = 0; i < n_attrs; i++)
    {
      Attr *attr = &node->attrs[i];

      attr->flags = 0;
      attr->name = attr_names[i].canonical != NULL ? attr_names[i].canonical
                                                   : place_string (attr_names[i].str, attr_names[i].len, &p);
      if (attr_ns[i].str == NULL)
        attr->ns = NULL;
      else
        attr->ns = attr_ns[i].canonical != NULL ? attr_ns[i].canonical
                                                : place_string (attr_ns[i].str, attr_ns[i].len, &p);
      attr->value = (char *) place_string (values[i].str, values[i].len, &p);
    }

  return node;
}

ConfabXmppNode *
confab_xmpp_node_ref (ConfabXmppNode *node)
{
  g_return_val_if_fail (node != NULL, NULL);

  g_atomic_ref_count_inc (&node->ref_count);
  return node;
}

static void
node_free (ConfabXmppNode *node)
{
  ConfabXmppNode *child = node->first_child;

  while (child != NULL)
    {
      ConfabXmppNode *next = child->next;

      child->parent = NULL;
      child->next = NULL;
      /* Usually the tree holds the only reference: then no one else can
       * race us, and the atomic decrement can be skipped. */
      if (g_atomic_ref_count_compare (&child->ref_count, 1))
        node_free (child);
      else
        confab_xmpp_node_unref (child);
      child = next;
    }

  for (guint i = 0; i < node->n_attrs; i++)
    attr_clear (&node->attrs[i]);
  if (!attrs_inline (node))
    g_free (node->attrs);
  g_free (node->text);
  g_free (node);
}

void
confab_xmpp_node_unref (ConfabXmppNode *node)
{
  g_return_if_fail (node != NULL);

  if (g_atomic_ref_count_dec (&node->ref_count))
    node_free (node);
}

const char *
confab_xmpp_node_get_name (ConfabXmppNode *node)
{
  g_return_val_if_fail (node != NULL, NULL);

  return node->name;
}

const char *
confab_xmpp_node_get_ns (ConfabXmppNode *node)
{
  g_return_val_if_fail (node != NULL, NULL);

  return node->ns;
}

gboolean
confab_xmpp_node_is (ConfabXmppNode *node,
                     const char     *name,
                     const char     *ns)
{
  g_return_val_if_fail (node != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  return (node->name == name || strcmp (node->name, name) == 0) &&
         ns_equal (node->ns, ns);
}

static Attr *
find_attr (ConfabXmppNode *node,
           const char     *name,
           const char     *ns)
{
  for (guint i = 0; i < node->n_attrs; i++)
    {
      Attr *attr = &node->attrs[i];

      if ((attr->name == name || strcmp (attr->name, name) == 0) &&
          ns_equal (attr->ns, ns))
        return attr;
    }
  return NULL;
}

const char *
confab_xmpp_node_get_attr (ConfabXmppNode *node,
                           const char     *name)
{
  Attr *attr;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  attr = find_attr (node, name, NULL);
  return attr != NULL ? attr->value : NULL;
}

const char *
confab_xmpp_node_get_attr_ns (ConfabXmppNode *node,
                              const char     *name,
                              const char     *ns)
{
  Attr *attr;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (ns != NULL && strcmp (ns, CONFAB_XMPP_NS_XML) == 0)
    {
      g_autofree char *qualified = g_strconcat ("xml:", name, NULL);

      attr = find_attr (node, qualified, NULL);
    }
  else
    attr = find_attr (node, name, ns);
  return attr != NULL ? attr->value : NULL;
}

static void
remove_attr (ConfabXmppNode *node,
             Attr           *attr)
{
  guint index = attr - node->attrs;

  attr_clear (attr);
  memmove (attr, attr + 1, (node->n_attrs - index - 1) * sizeof (Attr));
  node->n_attrs--;
}

void
confab_xmpp_node_set_attr_ns (ConfabXmppNode *node,
                              const char     *name,
                              const char     *ns,
                              const char     *value)
{
  g_autofree char *qualified = NULL;
  Attr *attr;

  g_return_if_fail (node != NULL);
  g_return_if_fail (name != NULL);

  if (ns != NULL && ns[0] == '\0')
    ns = NULL;

  /* The XML namespace is predeclared with the prefix "xml" (Namespaces in
   * XML §3); we keep its attributes under their qualified name. */
  if (ns != NULL && strcmp (ns, CONFAB_XMPP_NS_XML) == 0)
    {
      name = qualified = g_strconcat ("xml:", name, NULL);
      ns = NULL;
    }

  attr = find_attr (node, name, ns);

  if (value == NULL)
    {
      if (attr != NULL)
        remove_attr (node, attr);
      return;
    }

  if (attr != NULL)
    {
      char *copy = g_strdup (value);

      if (attr->flags & ATTR_OWNS_VALUE)
        g_free (attr->value);
      attr->value = copy;
      attr->flags |= ATTR_OWNS_VALUE;
      return;
    }

  if (node->n_attrs == node->attrs_capacity)
    {
      guint capacity = MAX (4, node->attrs_capacity * 2);

      if (attrs_inline (node))
        {
          Attr *attrs = g_new (Attr, capacity);

          memcpy (attrs, node->attrs, node->n_attrs * sizeof (Attr));
          node->attrs = attrs;
        }
      else
        node->attrs = g_renew (Attr, node->attrs, capacity);
      node->attrs_capacity = capacity;
    }

  attr = &node->attrs[node->n_attrs++];
  attr->flags = ATTR_OWNS_VALUE;
  attr->value = g_strdup (value);
  if ((attr->name = _confab_xmpp_node_canonical (name)) == NULL)
    {
      attr->name = g_strdup (name);
      attr->flags |= ATTR_OWNS_NAME;
    }
  attr->ns = NULL;
  if (ns != NULL && (attr->ns = _confab_xmpp_node_canonical (ns)) == NULL)
    {
      attr->ns = g_strdup (ns);
      attr->flags |= ATTR_OWNS_NS;
    }
}

void
confab_xmpp_node_set_attr (ConfabXmppNode *node,
                           const char     *name,
                           const char     *value)
{
  g_return_if_fail (node != NULL);
  g_return_if_fail (name != NULL);

  confab_xmpp_node_set_attr_ns (node, name, NULL, value);
}

guint
confab_xmpp_node_get_n_attrs (ConfabXmppNode *node)
{
  g_return_val_if_fail (node != NULL, 0);

  return node->n_attrs;
}

gboolean
confab_xmpp_node_get_nth_attr (ConfabXmppNode  *node,
                               guint            index,
                               const char     **name,
                               const char     **ns,
                               const char     **value)
{
  g_return_val_if_fail (node != NULL, FALSE);

  if (index >= node->n_attrs)
    return FALSE;
  if (name != NULL)
    *name = node->attrs[index].name;
  if (ns != NULL)
    *ns = node->attrs[index].ns;
  if (value != NULL)
    *value = node->attrs[index].value;
  return TRUE;
}

const char *
confab_xmpp_node_get_text (ConfabXmppNode *node)
{
  g_return_val_if_fail (node != NULL, NULL);

  return node->text != NULL ? node->text : "";
}

void
confab_xmpp_node_set_text (ConfabXmppNode *node,
                           const char     *text)
{
  g_return_if_fail (node != NULL);

  node->text_len = 0;
  if (node->text != NULL)
    node->text[0] = '\0';
  if (text != NULL)
    confab_xmpp_node_append_text (node, text, -1);
}

void
confab_xmpp_node_append_text (ConfabXmppNode *node,
                              const char     *text,
                              gssize          len)
{
  gsize n;

  g_return_if_fail (node != NULL);
  g_return_if_fail (text != NULL || len == 0);

  n = len < 0 ? strlen (text) : (gsize) len;
  if (n == 0)
    return;

  /* libxml2 may hand us an element's text in many small pieces (at most
   * 300 bytes each on some paths): grow geometrically so that building it
   * stays linear, like a GString. The first piece is sized exactly, since
   * most texts arrive in one. */
  if (node->text_len + n + 1 > node->text_alloc)
    {
      gsize alloc = node->text_alloc == 0 ? n + 1 : node->text_alloc * 2;

      if (alloc < node->text_len + n + 1)
        alloc = node->text_len + n + 1;
      node->text = g_realloc (node->text, alloc);
      node->text_alloc = alloc;
    }

  memcpy (node->text + node->text_len, text, n);
  node->text_len += n;
  node->text[node->text_len] = '\0';
}

ConfabXmppNode *
confab_xmpp_node_get_parent (ConfabXmppNode *node)
{
  g_return_val_if_fail (node != NULL, NULL);

  return node->parent;
}

ConfabXmppNode *
confab_xmpp_node_get_first_child (ConfabXmppNode *node)
{
  g_return_val_if_fail (node != NULL, NULL);

  return node->first_child;
}

ConfabXmppNode *
confab_xmpp_node_get_next_sibling (ConfabXmppNode *node)
{
  g_return_val_if_fail (node != NULL, NULL);

  return node->next;
}

ConfabXmppNode *
confab_xmpp_node_get_child (ConfabXmppNode *node,
                            const char     *name,
                            const char     *ns)
{
  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (ConfabXmppNode *child = node->first_child; child != NULL; child = child->next)
    if ((child->name == name || strcmp (child->name, name) == 0) &&
        (ns == NULL || ns_equal (child->ns, ns)))
      return child;
  return NULL;
}

const char *
confab_xmpp_node_get_child_text (ConfabXmppNode *node,
                                 const char     *name,
                                 const char     *ns)
{
  ConfabXmppNode *child;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  child = confab_xmpp_node_get_child (node, name, ns);
  return child != NULL ? confab_xmpp_node_get_text (child) : NULL;
}

ConfabXmppNode *
confab_xmpp_node_append (ConfabXmppNode *node,
                         ConfabXmppNode *child)
{
  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (child != NULL, NULL);
  g_return_val_if_fail (child->parent == NULL, NULL);
  g_return_val_if_fail (child != node, NULL);

  child->parent = node;
  if (node->last_child != NULL)
    node->last_child->next = child;
  else
    node->first_child = child;
  node->last_child = child;
  return child;
}

ConfabXmppNode *
confab_xmpp_node_add_child (ConfabXmppNode *node,
                            const char     *name,
                            const char     *ns)
{
  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return confab_xmpp_node_append (node,
                                  confab_xmpp_node_new (name, ns != NULL ? ns : node->ns));
}

gboolean
confab_xmpp_node_equal (ConfabXmppNode *a,
                        ConfabXmppNode *b)
{
  ConfabXmppNode *ca, *cb;

  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (b != NULL, FALSE);

  if (a == b)
    return TRUE;
  if (strcmp (a->name, b->name) != 0 || !ns_equal (a->ns, b->ns))
    return FALSE;
  if (a->text_len != b->text_len ||
      (a->text_len > 0 && memcmp (a->text, b->text, a->text_len) != 0))
    return FALSE;

  /* Attribute order carries no meaning in XML (XML 1.0 §3.1). */
  if (a->n_attrs != b->n_attrs)
    return FALSE;
  for (guint i = 0; i < a->n_attrs; i++)
    {
      Attr *other = find_attr (b, a->attrs[i].name, a->attrs[i].ns);

      if (other == NULL || strcmp (other->value, a->attrs[i].value) != 0)
        return FALSE;
    }

  for (ca = a->first_child, cb = b->first_child;
       ca != NULL && cb != NULL;
       ca = ca->next, cb = cb->next)
    if (!confab_xmpp_node_equal (ca, cb))
      return FALSE;
  return ca == NULL && cb == NULL;
}

/* Serialization */

/* Appends @len bytes of @s escaped for XML. In attribute values we also
 * escape the quotes, and tab, LF and CR, because attribute-value
 * normalization (XML 1.0 §3.3.3) would otherwise turn them into spaces. In
 * text, CR must be escaped too: end-of-line handling (XML 1.0 §2.11) would
 * turn a literal CR into LF. Characters that XML 1.0 §2.2 cannot carry at
 * all (C0 controls, U+FFFE/U+FFFF) and invalid UTF-8 become U+FFFD: the
 * peer would otherwise end the stream with not-well-formed (RFC 6120 §11). */
static void
append_escaped (GString    *out,
                const char *s,
                gsize       len,
                gboolean    attribute)
{
  const guchar *p = (const guchar *) s;
  const guchar *end = p + len;
  const guchar *run = p;

  while (p < end)
    {
      const char *replacement = NULL;
      guchar c = *p;
      gsize skip = 1;

      if (c >= 0x80)
        {
          gunichar ch = g_utf8_get_char_validated ((const char *) p, end - p);

          if (ch == (gunichar) -1 || ch == (gunichar) -2)
            replacement = "\xEF\xBF\xBD";
          else if (ch == 0xFFFE || ch == 0xFFFF)
            {
              replacement = "\xEF\xBF\xBD";
              skip = g_utf8_skip[c];
            }
          else
            {
              p += g_utf8_skip[c];
              continue;
            }
        }
      else if (c >= 0x20 && c != '&' && c != '<' && c != '>' && c != '"' && c != '\'')
        {
          p++;
          continue;
        }
      else
        {
          switch (c)
            {
            case '&': replacement = "&amp;"; break;
            case '<': replacement = "&lt;"; break;
            case '>': replacement = "&gt;"; break;
            case '"': replacement = attribute ? "&quot;" : NULL; break;
            case '\'': replacement = attribute ? "&apos;" : NULL; break;
            case '\r': replacement = "&#13;"; break;
            case '\n': replacement = attribute ? "&#10;" : NULL; break;
            case '\t': replacement = attribute ? "&#9;" : NULL; break;
            default: replacement = "\xEF\xBF\xBD"; break;
            }
          if (replacement == NULL)
            {
              p++;
              continue;
            }
        }

      g_string_append_len (out, (const char *) run, p - run);
      g_string_append (out, replacement);
      p += skip;
      run = p;
    }
  g_string_append_len (out, (const char *) run, p - run);
}

static void
serialize_node (ConfabXmppNode *node,
                const char     *context_ns,
                GString        *out)
{
  g_string_append_c (out, '<');
  g_string_append (out, node->name);

  /* Elements are always written unprefixed, with a default namespace
   * declaration only where it changes (Namespaces in XML §6.2). */
  if (!ns_equal (node->ns, context_ns))
    {
      g_string_append (out, " xmlns='");
      if (node->ns != NULL)
        append_escaped (out, node->ns, strlen (node->ns), TRUE);
      g_string_append_c (out, '\'');
    }

  for (guint i = 0; i < node->n_attrs; i++)
    {
      Attr *attr = &node->attrs[i];

      g_string_append_c (out, ' ');
      if (attr->ns != NULL)
        {
          /* A namespaced attribute needs a prefix: the default namespace
           * does not apply to attributes (Namespaces in XML §6.2). The
           * prefix is "ns<k>", k the index of the first attribute in that
           * namespace, declared there. Such attributes are rare. */
          guint k;

          for (k = 0; k < i; k++)
            if (ns_equal (node->attrs[k].ns, attr->ns))
              break;
          if (k == i)
            {
              g_string_append_printf (out, "xmlns:ns%u='", k);
              append_escaped (out, attr->ns, strlen (attr->ns), TRUE);
              g_string_append (out, "' ");
            }
          g_string_append_printf (out, "ns%u:", k);
        }
      g_string_append (out, attr->name);
      g_string_append (out, "='");
      append_escaped (out, attr->value, strlen (attr->value), TRUE);
      g_string_append_c (out, '\'');
    }

  if (node->first_child == NULL && node->text_len == 0)
    {
      g_string_append (out, "/>");
      return;
    }

  g_string_append_c (out, '>');
  if (node->text_len > 0)
    append_escaped (out, node->text, node->text_len, FALSE);
  for (ConfabXmppNode *child = node->first_child; child != NULL; child = child->next)
    serialize_node (child, node->ns, out);
  g_string_append (out, "</");
  g_string_append (out, node->name);
  g_string_append_c (out, '>');
}

void
confab_xmpp_node_serialize (ConfabXmppNode *node,
                            const char     *context_ns,
                            GString        *out)
{
  g_return_if_fail (node != NULL);
  g_return_if_fail (out != NULL);

  serialize_node (node, context_ns, out);
}

char *
confab_xmpp_node_to_string (ConfabXmppNode *node,
                            const char     *context_ns)
{
  GString *out;

  g_return_val_if_fail (node != NULL, NULL);

  out = g_string_new (NULL);
  serialize_node (node, context_ns, out);
  return g_string_free (out, FALSE);
}
