/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/*
 * A small XML element tree: one per stanza. Names are local names with the
 * namespace resolved (a prefix-qualified element equals the unprefixed one).
 * Text is the element's own character data, already unescaped; serializing
 * escapes it again, so network text never becomes markup.
 */

#define CONFAB_XMPP_NS_CLIENT   "jabber:client"
#define CONFAB_XMPP_NS_STREAM   "http://etherx.jabber.org/streams"
#define CONFAB_XMPP_NS_XML      "http://www.w3.org/XML/1998/namespace"

typedef struct _ConfabXmppNode ConfabXmppNode;

#define CONFAB_TYPE_XMPP_NODE (confab_xmpp_node_get_type ())

GType           confab_xmpp_node_get_type      (void) G_GNUC_CONST;

/* A new element with local name @name in namespace @ns (NULL: no namespace). */
ConfabXmppNode *confab_xmpp_node_new           (const char     *name,
                                                const char     *ns);
ConfabXmppNode *confab_xmpp_node_ref           (ConfabXmppNode *node);
void            confab_xmpp_node_unref         (ConfabXmppNode *node);

const char     *confab_xmpp_node_get_name      (ConfabXmppNode *node);
const char     *confab_xmpp_node_get_ns        (ConfabXmppNode *node);
gboolean        confab_xmpp_node_is            (ConfabXmppNode *node,
                                                const char     *name,
                                                const char     *ns);

/* Attributes without a namespace, plus "xml:lang" for the XML namespace's
 * lang attribute. Other namespaced attributes are kept for serialization
 * but not looked up by these. */
const char     *confab_xmpp_node_get_attr      (ConfabXmppNode *node,
                                                const char     *name);
void            confab_xmpp_node_set_attr      (ConfabXmppNode *node,
                                                const char     *name,
                                                const char     *value);
guint           confab_xmpp_node_get_n_attrs   (ConfabXmppNode *node);
/* Namespaced attributes. @ns NULL is the same as get_attr()/set_attr();
 * the XML namespace maps to "xml:<name>". Setting NULL removes. */
const char     *confab_xmpp_node_get_attr_ns   (ConfabXmppNode *node,
                                                const char     *name,
                                                const char     *ns);
void            confab_xmpp_node_set_attr_ns   (ConfabXmppNode *node,
                                                const char     *name,
                                                const char     *ns,
                                                const char     *value);
/* The @index-th attribute in document order (any out-parameter may be
 * NULL); FALSE when @index is out of range. @ns is NULL for unqualified
 * names and for "xml:lang". */
gboolean        confab_xmpp_node_get_nth_attr  (ConfabXmppNode *node,
                                                guint           index,
                                                const char    **name,
                                                const char    **ns,
                                                const char    **value);

/* The element's own text (concatenated character data), never NULL. */
const char     *confab_xmpp_node_get_text      (ConfabXmppNode *node);
void            confab_xmpp_node_set_text      (ConfabXmppNode *node,
                                                const char     *text);
void            confab_xmpp_node_append_text   (ConfabXmppNode *node,
                                                const char     *text,
                                                gssize          len);

/* Children, in document order. */
ConfabXmppNode *confab_xmpp_node_get_parent        (ConfabXmppNode *node);
ConfabXmppNode *confab_xmpp_node_get_first_child   (ConfabXmppNode *node);
ConfabXmppNode *confab_xmpp_node_get_next_sibling  (ConfabXmppNode *node);
/* First child with @name in @ns; @ns NULL matches any namespace. */
ConfabXmppNode *confab_xmpp_node_get_child         (ConfabXmppNode *node,
                                                    const char     *name,
                                                    const char     *ns);
/* Text of the first matching child, or NULL when there is no such child. */
const char     *confab_xmpp_node_get_child_text    (ConfabXmppNode *node,
                                                    const char     *name,
                                                    const char     *ns);
/* Appends @child (the tree takes ownership) and returns it. */
ConfabXmppNode *confab_xmpp_node_append            (ConfabXmppNode *node,
                                                    ConfabXmppNode *child);
/* Appends a new child; @ns NULL means the parent's namespace. Returns it. */
ConfabXmppNode *confab_xmpp_node_add_child         (ConfabXmppNode *node,
                                                    const char     *name,
                                                    const char     *ns);

/* Deep structural equality: name, namespace, attributes (in any order),
 * text and children (in order). Prefixes never matter. */
gboolean        confab_xmpp_node_equal         (ConfabXmppNode *a,
                                                ConfabXmppNode *b);

/* Serializes @node. Namespace declarations are written only where the
 * namespace differs from @context_ns (the enclosing default namespace, e.g.
 * "jabber:client" for stanzas inside a client stream). All text and
 * attribute values are escaped. */
void            confab_xmpp_node_serialize     (ConfabXmppNode *node,
                                                const char     *context_ns,
                                                GString        *out);
char           *confab_xmpp_node_to_string     (ConfabXmppNode *node,
                                                const char     *context_ns);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabXmppNode, confab_xmpp_node_unref)

G_END_DECLS
