/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "confab-xmpp-stream.h"

G_BEGIN_DECLS

/*
 * A protocol module: one RFC section or XEP. attach() registers what the
 * module handles on a stream (IQ handlers, disco features, signal handlers
 * for stanza-received) and detach() removes it all. Modules turn stanzas
 * into typed signals for the core layer and never touch GTK or SQLite.
 */

#define CONFAB_TYPE_XMPP_MODULE (confab_xmpp_module_get_type ())
G_DECLARE_INTERFACE (ConfabXmppModule, confab_xmpp_module, CONFAB, XMPP_MODULE, GObject)

struct _ConfabXmppModuleInterface {
  GTypeInterface parent_iface;

  void (*attach) (ConfabXmppModule *self,
                  ConfabXmppStream *stream);
  void (*detach) (ConfabXmppModule *self,
                  ConfabXmppStream *stream);
};

void confab_xmpp_module_attach (ConfabXmppModule *self,
                                ConfabXmppStream *stream);
void confab_xmpp_module_detach (ConfabXmppModule *self,
                                ConfabXmppStream *stream);

G_END_DECLS
