/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "confab-xmpp-node.h"

G_BEGIN_DECLS

/* For the parser: a node and its @n_attrs attributes in one allocation.
 * @name, @ns, @attr_names and @attr_ns must already be interned
 * (g_intern_string); the values are copied. */
ConfabXmppNode *_confab_xmpp_node_new_sized (const char   *name,
                                             const char   *ns,
                                             guint         n_attrs,
                                             const char  **attr_names,
                                             const char  **attr_ns,
                                             const char  **values,
                                             const gsize  *value_lens);

G_END_DECLS
