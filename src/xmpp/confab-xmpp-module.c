/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-xmpp-module.h"

G_DEFINE_INTERFACE (ConfabXmppModule, confab_xmpp_module, G_TYPE_OBJECT)

static void
confab_xmpp_module_default_init (ConfabXmppModuleInterface *iface)
{
}

void
confab_xmpp_module_attach (ConfabXmppModule *self,
                           ConfabXmppStream *stream)
{
  g_return_if_fail (CONFAB_IS_XMPP_MODULE (self));
  g_return_if_fail (CONFAB_IS_XMPP_STREAM (stream));

  CONFAB_XMPP_MODULE_GET_IFACE (self)->attach (self, stream);
}

void
confab_xmpp_module_detach (ConfabXmppModule *self,
                           ConfabXmppStream *stream)
{
  g_return_if_fail (CONFAB_IS_XMPP_MODULE (self));
  g_return_if_fail (CONFAB_IS_XMPP_STREAM (stream));

  CONFAB_XMPP_MODULE_GET_IFACE (self)->detach (self, stream);
}
