/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-xmpp-modules.h"

#include "confab-xmpp-message.h"
#include "confab-xmpp-module.h"
#include "confab-xmpp-presence.h"
#include "confab-xmpp-roster.h"
#include "xep-0012-last.h"
#include "xep-0030-disco.h"
#include "xep-0092-version.h"
#include "xep-0115-caps.h"
#include "xep-0191-blocking.h"
#include "xep-0199-ping.h"
#include "xep-0202-time.h"
#include "xep-0280-carbons.h"
#include "xep-0313-mam.h"
#include "xep-0352-csi.h"

void
confab_xmpp_add_standard_modules (ConfabXmppStream *stream)
{
  g_autoptr(GPtrArray) modules = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_if_fail (CONFAB_IS_XMPP_STREAM (stream));

  g_ptr_array_add (modules, confab_xmpp_roster_new ());
  g_ptr_array_add (modules, confab_xmpp_presence_new ());
  g_ptr_array_add (modules, confab_xmpp_messages_new ());
  g_ptr_array_add (modules, confab_xep_carbons_new ());
  g_ptr_array_add (modules, confab_xep_mam_new ());
  g_ptr_array_add (modules, confab_xep_blocking_new ());
  g_ptr_array_add (modules, confab_xep_disco_new ());
  g_ptr_array_add (modules, confab_xep_caps_new ());
  g_ptr_array_add (modules, confab_xep_ping_new ());
  g_ptr_array_add (modules, confab_xep_last_new ());
  g_ptr_array_add (modules, confab_xep_version_new ());
  g_ptr_array_add (modules, confab_xep_time_new ());
  g_ptr_array_add (modules, confab_xep_csi_new ());
  for (guint i = 0; i < modules->len; i++)
    confab_xmpp_stream_add_module (stream, CONFAB_XMPP_MODULE (g_ptr_array_index (modules, i)));
}
