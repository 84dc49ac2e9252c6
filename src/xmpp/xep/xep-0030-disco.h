/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "confab-jid.h"
#include "confab-xmpp-module.h"
#include "confab-xmpp-node.h"
#include "confab-xmpp-stream.h"

G_BEGIN_DECLS

/*
 * XEP-0030 Service Discovery: we answer disco#info and disco#items requests
 * addressed to us, and query other entities. Results from the network are
 * parsed strictly and with bounded counts (a hostile entity cannot make us
 * allocate without limit), into an immutable ConfabDiscoInfo.
 */

#define CONFAB_XEP_DISCO_NS_INFO   "http://jabber.org/protocol/disco#info"
#define CONFAB_XEP_DISCO_NS_ITEMS  "http://jabber.org/protocol/disco#items"
#define CONFAB_XEP_DISCO_NS_DATA   "jabber:x:data"

/* Our identity (XEP-0030 §3.1; Service Discovery Identities registry). */
#define CONFAB_XEP_DISCO_CATEGORY  "client"
#define CONFAB_XEP_DISCO_TYPE      "pc"
#define CONFAB_XEP_DISCO_NAME      "Confab"

/* Bounds on what we accept from others; more is a protocol error. */
#define CONFAB_DISCO_MAX_IDENTITIES  64
#define CONFAB_DISCO_MAX_FEATURES    1024
#define CONFAB_DISCO_MAX_FORMS       16
#define CONFAB_DISCO_MAX_FIELDS      64     /* per form */
#define CONFAB_DISCO_MAX_VALUES      64     /* per field */
#define CONFAB_DISCO_MAX_ITEMS       4096
#define CONFAB_DISCO_MAX_STRING      3072   /* bytes of any one attribute or value */

/* ---- ConfabDiscoInfo: one disco#info result ------------------------------- */

typedef struct _ConfabDiscoInfo ConfabDiscoInfo;

#define CONFAB_TYPE_DISCO_INFO (confab_disco_info_get_type ())

GType            confab_disco_info_get_type       (void) G_GNUC_CONST;

/* An empty info for building our own answer or test input. */
ConfabDiscoInfo *confab_disco_info_new            (const char      *node);
ConfabDiscoInfo *confab_disco_info_ref            (ConfabDiscoInfo *info);
void             confab_disco_info_unref          (ConfabDiscoInfo *info);

/* Adding: FALSE (and nothing added) for a duplicate or when the bound is
 * reached. @lang and @name may be NULL. */
gboolean         confab_disco_info_add_identity   (ConfabDiscoInfo *info,
                                                   const char      *category,
                                                   const char      *type,
                                                   const char      *lang,
                                                   const char      *name);
gboolean         confab_disco_info_add_feature    (ConfabDiscoInfo *info,
                                                   const char      *feature);
/* Starts a new XEP-0128 form (returns its index); fields are then added
 * to it. @form_type_hidden is whether the FORM_TYPE field was hidden. */
guint            confab_disco_info_add_form       (ConfabDiscoInfo *info);
void             confab_disco_info_add_field      (ConfabDiscoInfo *info,
                                                   guint            form,
                                                   const char      *var,
                                                   const char      *type,
                                                   const char * const *values);

const char      *confab_disco_info_get_node       (ConfabDiscoInfo *info);
guint            confab_disco_info_get_n_identities (ConfabDiscoInfo *info);
/* Any out-parameter may be NULL; lang and name may come back NULL. */
void             confab_disco_info_get_identity   (ConfabDiscoInfo *info,
                                                   guint            index,
                                                   const char     **category,
                                                   const char     **type,
                                                   const char     **lang,
                                                   const char     **name);
gboolean         confab_disco_info_has_identity   (ConfabDiscoInfo *info,
                                                   const char      *category,
                                                   const char      *type);
/* NULL-terminated, in document order. */
const char * const *confab_disco_info_get_features (ConfabDiscoInfo *info);
gboolean         confab_disco_info_has_feature    (ConfabDiscoInfo *info,
                                                   const char      *feature);

guint            confab_disco_info_get_n_forms    (ConfabDiscoInfo *info);
/* The form's FORM_TYPE value, or NULL if it has none (or several). */
const char      *confab_disco_info_get_form_type  (ConfabDiscoInfo *info,
                                                   guint            form);
guint            confab_disco_info_get_n_fields   (ConfabDiscoInfo *info,
                                                   guint            form);
/* @var may come back NULL (a field without one); @type too. */
void             confab_disco_info_get_field      (ConfabDiscoInfo *info,
                                                   guint            form,
                                                   guint            field,
                                                   const char     **var,
                                                   const char     **type,
                                                   const char * const **values);

/* Strictly parses a <query xmlns='disco#info'/> (XEP-0030 §3.1): every
 * identity needs category and type, every feature a var, no duplicates,
 * counts within the CONFAB_DISCO_MAX_* bounds. Errors are
 * CONFAB_XMPP_ERROR_PROTOCOL. */
ConfabDiscoInfo *confab_disco_info_parse          (ConfabXmppNode  *query,
                                                   GError         **error);
/* Whether the query held anything but identities, features and forms, or
 * a form with <reported/>/<item/> (XEP-0390 §4.1 steps 1-2 reject those). */
gboolean         confab_disco_info_has_foreign_content (ConfabDiscoInfo *info);
/* A <query xmlns='disco#info'/> element carrying @info. */
ConfabXmppNode  *confab_disco_info_to_node        (ConfabDiscoInfo *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabDiscoInfo, confab_disco_info_unref)

/* ---- ConfabDiscoItem: one disco#items entry ------------------------------- */

typedef struct _ConfabDiscoItem ConfabDiscoItem;

#define CONFAB_TYPE_DISCO_ITEM (confab_disco_item_get_type ())

GType            confab_disco_item_get_type       (void) G_GNUC_CONST;
ConfabDiscoItem *confab_disco_item_ref            (ConfabDiscoItem *item);
void             confab_disco_item_unref          (ConfabDiscoItem *item);
ConfabJid       *confab_disco_item_get_jid        (ConfabDiscoItem *item);
const char      *confab_disco_item_get_node       (ConfabDiscoItem *item);  /* nullable */
const char      *confab_disco_item_get_name       (ConfabDiscoItem *item);  /* nullable */

/* Parses <query xmlns='disco#items'/> into a GPtrArray of ConfabDiscoItem
 * (XEP-0030 §4.1: every item needs a valid 'jid'). */
GPtrArray       *confab_disco_items_parse         (ConfabXmppNode  *query,
                                                   GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabDiscoItem, confab_disco_item_unref)

/* ---- The module ------------------------------------------------------------ */

#define CONFAB_TYPE_XEP_DISCO (confab_xep_disco_get_type ())
G_DECLARE_FINAL_TYPE (ConfabXepDisco, confab_xep_disco, CONFAB, XEP_DISCO, GObject)

ConfabXepDisco  *confab_xep_disco_new             (void);

/* What we answer for a plain disco#info request: our identity and the
 * stream's registered features (always including disco#info). */
ConfabDiscoInfo *confab_xep_disco_get_own_info    (ConfabXepDisco  *self);
/* The same, for a stream without this module being asked (used by tests). */
ConfabDiscoInfo *confab_xep_disco_build_own_info  (const char * const *features);

/* The answer we give to @request (an <iq type='get'> with a disco#info
 * query); exposed for tests. */
ConfabXmppNode  *confab_xep_disco_answer_info     (ConfabXepDisco  *self,
                                                   ConfabXmppNode  *request);

/* Asks @jid (NULL: our own server) for disco#info, optionally at @node. */
void             confab_xep_disco_info_async      (ConfabXepDisco      *self,
                                                   ConfabJid           *jid,
                                                   const char          *node,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
ConfabDiscoInfo *confab_xep_disco_info_finish     (ConfabXepDisco      *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

/* Asks @jid (NULL: our own server) for disco#items; the result is a
 * GPtrArray of ConfabDiscoItem. */
void             confab_xep_disco_items_async     (ConfabXepDisco      *self,
                                                   ConfabJid           *jid,
                                                   const char          *node,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
GPtrArray       *confab_xep_disco_items_finish    (ConfabXepDisco      *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

G_END_DECLS
