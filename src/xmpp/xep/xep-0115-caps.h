/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xep-0030-disco.h"

G_BEGIN_DECLS

/*
 * Entity capabilities: XEP-0115 (SHA-1 'ver' strings) and XEP-0390 (caps
 * 2.0, XEP-0300 hashes). We announce our own capabilities in presence and
 * resolve, verify and cache the capabilities others announce.
 *
 * Needs the ConfabXepDisco module on the same stream (to answer the caps
 * node and to query others).
 */

#define CONFAB_XEP_CAPS_NS      "http://jabber.org/protocol/caps"  /* XEP-0115 */
#define CONFAB_XEP_CAPS2_NS     "urn:xmpp:caps"                    /* XEP-0390 */
#define CONFAB_XEP_HASHES_NS    "urn:xmpp:hashes:2"                /* XEP-0300 */
/* XEP-0115 §4: a URI identifying the software. */
#define CONFAB_XEP_CAPS_NODE    "https://confab.im"

/* Bounds of the verified-capabilities cache and of per-JID records. */
#define CONFAB_XEP_CAPS_MAX_CACHE    512
#define CONFAB_XEP_CAPS_MAX_JIDS     4096

/* ---- The hash algorithms (pure functions) --------------------------------- */

/* Maps an XEP-0300 algorithm name to a GChecksumType. Only "sha-1" (for
 * XEP-0115), "sha-256" and "sha-512" are supported: GChecksum has no
 * SHA-3 or BLAKE2, so "sha3-256" and "blake2b-256" announcements are
 * treated like an unsupported hash (XEP-0115 §5.4 step 2). */
gboolean   confab_xep_caps_hash_from_name    (const char     *name,
                                              GChecksumType  *type);

/* XEP-0115 §5.1: the verification string S (UTF-8), after the validity
 * checks of §5.4 (no duplicate identities, features or FORM_TYPEs, one
 * FORM_TYPE value; forms without a hidden FORM_TYPE are skipped). */
GBytes    *confab_xep_caps_build_string      (ConfabDiscoInfo *info,
                                              GError         **error);
/* XEP-0115 §5.1: base64 of the @type hash of S. */
char      *confab_xep_caps_compute_ver       (ConfabDiscoInfo *info,
                                              GChecksumType    type,
                                              GError         **error);

/* XEP-0390 §4.1: the hash function input (features, 0x1c, identities,
 * 0x1c, extensions, 0x1c). Fails for foreign content or forms that do not
 * follow XEP-0068 (FORM_TYPE). */
GBytes    *confab_xep_caps2_build_input      (ConfabDiscoInfo *info,
                                              GError         **error);
/* Base64 of the @type hash of the XEP-0390 input. */
char      *confab_xep_caps2_compute_hash     (ConfabDiscoInfo *info,
                                              GChecksumType    type,
                                              GError         **error);

/* ---- The module ------------------------------------------------------------ */

#define CONFAB_TYPE_XEP_CAPS (confab_xep_caps_get_type ())
G_DECLARE_FINAL_TYPE (ConfabXepCaps, confab_xep_caps, CONFAB, XEP_CAPS, GObject)

ConfabXepCaps   *confab_xep_caps_new                (void);

/* Our current XEP-0115 ver (SHA-1) and XEP-0390 SHA-256 hash, computed
 * from the disco module's own info. The "ver" property notifies when
 * they change (a module was added or removed): the presence module then
 * re-sends presence (XEP-0115 §4.1). NULL while not attached. */
const char      *confab_xep_caps_get_ver            (ConfabXepCaps  *self);
const char      *confab_xep_caps_get_hash           (ConfabXepCaps  *self);
/* Recomputes our hashes now (e.g. after features changed). */
void             confab_xep_caps_refresh            (ConfabXepCaps  *self);

/* Adds our <c xmlns='http://jabber.org/protocol/caps'/> and
 * <c xmlns='urn:xmpp:caps'/> to an outgoing available @presence,
 * replacing any there. The presence module (or the core) calls this for
 * every presence it sends except unavailable. */
void             confab_xep_caps_decorate_presence  (ConfabXepCaps  *self,
                                                     ConfabXmppNode *presence);

/* Whether @node is one of our caps nodes (XEP-0115 node#ver or XEP-0390
 * urn:xmpp:caps#algo.hash) for which disco#info must answer. */
gboolean         confab_xep_caps_is_own_node        (ConfabXepCaps  *self,
                                                     const char     *node);

/* The verified info cached for a hash (@algo "sha-1" means a XEP-0115
 * ver), or NULL. */
ConfabDiscoInfo *confab_xep_caps_lookup             (ConfabXepCaps  *self,
                                                     const char     *algo,
                                                     const char     *hash);
/* The info last resolved for @jid (verified or not), or NULL. */
ConfabDiscoInfo *confab_xep_caps_get_info_for_jid   (ConfabXepCaps  *self,
                                                     ConfabJid      *jid);
guint            confab_xep_caps_get_cache_size     (ConfabXepCaps  *self);

G_END_DECLS
