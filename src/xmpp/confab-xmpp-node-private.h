/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "confab-xmpp-node.h"

G_BEGIN_DECLS

/* A string for _confab_xmpp_node_new_sized(): @canonical when the string is
 * interned (then @str and @len are ignored), else @len bytes at @str, copied.
 * @str NULL and @canonical NULL: no string (no namespace). */
typedef struct {
  const char *canonical;
  const char *str;
  gsize       len;
} ConfabXmppString;

/* The interned copy of @s when one exists; never interns (see the memory
 * layout comment in confab-xmpp-node.c). */
const char     *_confab_xmpp_node_canonical (const char *s);

/* For the parser: a node and its @n_attrs attributes in one allocation. */
ConfabXmppNode *_confab_xmpp_node_new_sized (const ConfabXmppString *name,
                                             const ConfabXmppString *ns,
                                             guint                   n_attrs,
                                             const ConfabXmppString *attr_names,
                                             const ConfabXmppString *attr_ns,
                                             const ConfabXmppString *values);

G_END_DECLS
